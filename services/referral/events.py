"""The referral's domain events: what happened to it, in its own words.

Past tense and plain data; services/referral/outgoing.py decides what each becomes on the wire.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Received:
    """A referral arrived. `family_key` is the family's pseudonym (services/referral/pseudonym.py),
    which the referral does not keep but matching needs to recognise the family again."""
    family_key: str


@dataclass(frozen=True)
class Routed:
    """A referral stored before routing existed got its route later."""
    organisation: str
    municipality_code: str


@dataclass(frozen=True)
class StatusChanged:
    """The referral moved to another open status (closing is `Closed`)."""
    status: str


@dataclass(frozen=True)
class Withdrawn:
    """The family, the referrer or a coordinator withdrew the referral."""
    by: str
    reason: str | None = None


@dataclass(frozen=True)
class Closed:
    """The referral reached its final status."""
    outcome: str
    reason: str | None = None


@dataclass(frozen=True)
class ConsentWithdrawn:
    """The family withdrew its consent to share the referral's status (services/referral/
    consent.py); the referral itself goes on."""
    by: str


@dataclass(frozen=True)
class Erased:
    """The referral's data is erased here; every stage is to erase its part (asked again when
    a stage has not answered yet)."""
    at: str


@dataclass(frozen=True)
class Commissioned:
    """The municipality commissioned the support: matching may start."""
    municipality_code: str | None


@dataclass(frozen=True)
class ApplicationSubmitted:
    """A family's own application awaits confirmation (services/referral/self_referral.py):
    the applicant is to get the e-mail with `token`, which this service never stores (only
    its hash)."""
    token: str
