"""Who may be proposed to a family, who fits best, and why — pure functions.

Hard constraints rule a supporter out; the score orders those left, and every point comes with
a reason a coordinator can read. Equal scores go to the supporter registered first, so the same
facts always give the same proposal.
"""
from dataclasses import dataclass, replace

from kring import programmes
from services.matching.supporter import folded

DUTCH = "nl"
FAMILY_BEFORE = 40  # the family already trusts this person
PER_EXPERTISE = 30
PER_LANGUAGE = 10  # a shared language beyond Dutch
PROFESSIONAL_FOR_HIGH = 25
LIGHT_LOAD = 20  # full marks for an idle supporter, nothing for one about to be full


@dataclass(frozen=True)
class Candidate:
    supporter: object  # supporter.Supporter
    score: int
    reasons: tuple


def ruled_out(supporter, referral):
    """Why `supporter` may not be proposed to `referral` (None: they may)."""
    if supporter.organisation is None or supporter.organisation != referral.coordinator_org:
        # the coordinating organisation proposes its own people, never another's
        return "not of the coordinating organisation"
    if not supporter.active:
        return "not active"
    if referral.programme not in supporter.programmes:
        return f"not in programme {referral.programme}"
    allowed = programmes.current().of(referral.programme).supporter_kinds
    if supporter.kind not in allowed:
        # the programme's definition says who may support its families (docs/contract.md §2)
        return f"a {supporter.kind} does not support in programme {referral.programme}"
    if folded(referral.municipality) not in {folded(m) for m in supporter.municipalities}:
        return f"does not work in {referral.municipality}"
    if supporter.used >= supporter.capacity:
        return f"no free capacity ({supporter.used} of {supporter.capacity})"
    if not set(supporter.languages) & set(referral.languages):
        return "no language in common with the family"
    if supporter.supporter_id in referral.declined_supporters:
        return "declined before for this referral"
    return None


def score(supporter, referral):
    """(points, reasons) for an eligible supporter."""
    points, reasons = 0, []
    if referral.family_key and referral.family_key in supporter.families:
        points += FAMILY_BEFORE
        reasons.append("supported this family before")
    expertise = {folded(e) for e in supporter.expertise}
    for domain in referral.domains:
        if folded(domain) in expertise:
            points += PER_EXPERTISE
            reasons.append(f"expertise: {domain}")
    for language in sorted(set(supporter.languages) & set(referral.languages) - {DUTCH}):
        points += PER_LANGUAGE
        reasons.append(f"speaks {language}")
    if referral.severity == "high" and supporter.kind == "professional":
        points += PROFESSIONAL_FOR_HIGH
        reasons.append("professional, for a high severity")
    points += round(LIGHT_LOAD * supporter.free / supporter.capacity)
    reasons.append(f"lighter load ({supporter.used} of {supporter.capacity})")
    return points, tuple(reasons)


def candidates(referral, supporters):
    """Every supporter who may be proposed, best first."""
    found = [Candidate(s, *score(s, referral)) for s in supporters
             if ruled_out(s, referral) is None]
    return sorted(found, key=lambda c: (-c.score, c.supporter.position,
                                        c.supporter.supporter_id))


def best_candidate(referral, supporters):
    found = candidates(referral, supporters)
    return found[0] if found else None


def waiting_order(referral):
    return referral.waitlisted_at or "", referral.referral_id


def area(referral):
    """Where a referral looks for its supporter: only supporters of its coordinating
    organisation, programme and municipality can be proposed to it (ruled_out)."""
    return referral.coordinator_org, referral.programme, folded(referral.municipality or "")


class FreePlaces:
    """The supporters with room, by area, as the waiting list is worked through: each
    proposal reserves a unit of its supporter's capacity before the next family is considered,
    so two families are never promised the same last place. Works on copies.

    Each family is weighed only against the supporters of its area (area(referral)); all
    others are ruled out anyway, and a waiting list of thousands weighed against every
    supporter took minutes."""

    def __init__(self, supporters):
        self._pools = {}
        for copy in (replace(s) for s in supporters):
            for programme, municipality in copy.areas():
                self._pools.setdefault((copy.organisation, programme, municipality),
                                       []).append(copy)

    def in_area(self, key):
        """Whether anyone of the area `key` still has room; a full supporter stays ruled out
        until capacity comes free, so it is dropped rather than weighed again."""
        pool = self._pools[key] = [s for s in self._pools.get(key, ()) if s.used < s.capacity]
        return bool(pool)

    def any(self):
        return any(self.in_area(key) for key in list(self._pools))

    def take(self, referral):
        """The best candidate for `referral`, its place reserved; None when there is none."""
        key = area(referral)
        candidate = best_candidate(referral, self._pools[key]) if self.in_area(key) else None
        if candidate is not None:
            candidate.supporter.reserved += 1
        return candidate


def rematch(waiting, supporters):
    """The waiting list, oldest first: [(referral, Candidate)] for each that now finds someone
    among `supporters` (FreePlaces)."""
    places = FreePlaces(supporters)
    placed = []
    for referral in sorted(waiting, key=waiting_order):
        candidate = places.take(referral)
        if candidate is not None:
            placed.append((referral, candidate))
    return placed
