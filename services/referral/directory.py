"""The provider directory and routing (docs/contract.md §7): which organisation coordinates a
programme in which municipalities, and so where a referral goes when it arrives.

Exactly one provider per programme and municipality: a referral is routed to one coordinating
organisation, never to two, and never left to whoever reads it first. Pure: the repository
(services/referral/models.py) stores it.
"""
from dataclasses import dataclass

from kring.errors import INVALID_BODY as INVALID, Invalid, NotAllowed


class DirectoryError(Exception):
    """The directory of the configuration (KRING_DIRECTORY) cannot be applied."""


@dataclass(frozen=True)
class Provider:
    organisation: str  # the `org` of its coordinators' and admins' tokens
    name: str
    programme: str
    municipalities: tuple  # CBS codes, as given (names already looked up)
    languages: tuple
    waiting_list: bool = False


@dataclass(frozen=True)
class Route:
    """Where a referral goes: the provider's organisation, for the family's municipality."""
    organisation: str
    municipality_code: str


def provider_from(body, register):
    """The Provider of a registerProvider body (validated by its schema); 422 naming every
    municipality the register does not know, with the names it may have meant."""
    codes, unknown = [], []
    for text in body["municipalities"]:
        found = register.find(text)
        if found is None:
            unknown.append(register.unknown(text))
        else:
            codes.append(found.code)
    if unknown:
        raise Invalid(INVALID, {"municipalities": unknown})
    return Provider(body["organisation"], body["name"], body["programme"],
                    tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(body["languages"])),
                    bool(body.get("waiting_list", False)))


def known_programme(code, catalogue):
    """422 for a programme code that no definition knows (kring.programmes), naming those
    that one does."""
    if code not in catalogue:
        raise Invalid(INVALID, {"programme": [
            f"no programme {code} is defined; known: {', '.join(catalogue.codes)}"]})


def check_free(provider, serving, register):
    """409 when another organisation already provides the programme in one of the provider's
    municipalities. `serving`: municipality code -> organisation, for the programme."""
    taken = [(code, serving[code]) for code in provider.municipalities
             if serving.get(code) not in (None, provider.organisation)]
    if taken:
        said = "; ".join(f"{register.by_code[code].name} ({code}) by {organisation}"
                         for code, organisation in taken)
        raise NotAllowed(f"{provider.programme} is already provided there: {said}")


def route(programme, municipality, register, provider_of):
    """The Route of a referral for `programme` in the family's `municipality` (as written);
    422 when the municipality is unknown or nobody provides the programme there.
    `provider_of(programme, code)`: the organisation that does, or None."""
    found = register.find(municipality)
    if found is None:
        raise Invalid(INVALID, {"family": {"municipality": [register.unknown(municipality)]}})
    organisation = provider_of(programme, found.code)
    if organisation is None:
        raise Invalid(INVALID, {"programme": [
            f"no organisation provides {programme} in {found.name} ({found.code})"]})
    return Route(organisation, found.code)


def route_of_stored(programme, municipality, register, provider_of):
    """The Route of a referral stored before routing existed, or None when it has none yet."""
    try:
        return route(programme, municipality, register, provider_of)
    except Invalid:
        return None
