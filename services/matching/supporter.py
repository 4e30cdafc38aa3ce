"""A supporter (vrijwilliger / familieondersteuner): a volunteer or a professional.

Pure. A supporter belongs to the organisation that registered it: only that organisation's
coordinators and admins see and change it, and it is proposed only to the families that
organisation coordinates. `load`, `reserved` and `families` are not stored with the supporter:
the repository counts them from the referrals and proposals, so they can never drift from the
facts.
"""
from dataclasses import dataclass, field

EDITABLE = ("name", "kind", "programmes", "languages", "municipalities", "capacity",
            "expertise", "active")


@dataclass
class Supporter:
    supporter_id: str
    position: int  # registration order: the last tie-break, so matching is deterministic
    name: str
    kind: str  # volunteer / professional
    programmes: list
    languages: list
    municipalities: list
    capacity: int
    expertise: list
    active: bool
    registered_at: str
    # None only for a supporter from before supporters belonged to organisations, when its
    # organisation could not be told (handlers.settle_supporter_organisations): it reaches nobody
    organisation: str | None = None
    load: int = 0  # matches made that still take capacity
    reserved: int = 0  # open proposals: each holds a unit until it is answered
    families: frozenset = field(default_factory=frozenset)  # family_keys matched before

    @classmethod
    def register(cls, supporter_id, position, organisation, body, at):
        return cls(supporter_id, position, registered_at=at, organisation=organisation,
                   **{name: _clean(name, body[name]) for name in EDITABLE})

    def update(self, changes):
        for name in EDITABLE:
            if name in changes:
                setattr(self, name, _clean(name, changes[name]))

    def areas(self):
        """Where it may be proposed: {(programme, folded(municipality))}; none when inactive.

        The supporter_areas table holds these rows, so matching looks up a family's candidates
        by their programme and municipality instead of reading every supporter."""
        if not self.active:
            return set()
        return {(programme, folded(municipality)) for programme in self.programmes
                for municipality in self.municipalities}

    @property
    def used(self):
        return self.load + self.reserved

    @property
    def free(self):
        return max(0, self.capacity - self.used)


def folded(text):
    """A name as matching compares it: " Den Haag" and "den haag" are one municipality,
    "Opvoeding" and "opvoeding" one expertise."""
    return text.strip().casefold()


def _clean(name, value):
    if isinstance(value, list):  # the same entry twice means nothing more
        return list(dict.fromkeys(value))
    return value
