"""What the family agreed to: a record on the referral that governs every road out of Kring.

Pure: no IO. The family consents to support (without that there is no referral) and, apart
from it, to sharing the referral's status: with the referrer (the start and closure notices,
the statuses in between in getReferral) and with the partner organisation that submitted it
(its status updates on kring.partner.out). Each road asks the record before anything leaves
(docs/contract.md §7 "Consent"). The family may withdraw its consent to share at any time;
that is not withdrawing the referral, so support goes on, but from then on neither road carries
anything more. The record keeps who recorded it and when, and who withdrew it and when; the
reason for a withdrawal is kept here and told to no one.

Stored as the referral's `details["consent"]`, a plain dict: what the referrer submitted
(docs/contract.md §4), with the record's own keys beside it.
"""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Consent:
    share_status_with_referrer: bool
    share_status_with_partner: bool
    given_on: str | None
    recorded_at: str | None = None  # when Kring received it
    recorded_by: dict | None = None  # {"organisation", "person", "role"} that submitted it
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None  # the role: referrer or coordinator
    withdrawn_by_person: str | None = None
    withdrawn_by_organisation: str | None = None
    withdrawal_reason: str | None = None  # kept, never shared

    @classmethod
    def given(cls, submitted, at, recorded_by):
        """The record of what a submission (`submitted`: its `consent`) says the family agreed
        to, received at `at` from `recorded_by`."""
        return cls.of(submitted, recorded_at=at, recorded_by=recorded_by)

    @classmethod
    def of(cls, stored, **changes):
        """The record in `stored` (details["consent"]). Nothing stored (a referral whose
        details were erased) shares nothing: the road out stays shut when in doubt."""
        stored = dict(stored or {})
        to_referrer = stored.get("share_status_with_referrer") is True
        to_partner = stored.get("share_status_with_partner")
        record = cls(
            share_status_with_referrer=to_referrer,
            # a referral stored before the partner scope existed: the partner heard what the
            # referrer heard
            share_status_with_partner=to_referrer if to_partner is None else to_partner is True,
            given_on=stored.get("given_on"),
            **{name: stored.get(name) for name in RECORD_KEYS})
        return replace(record, **changes)

    @property
    def withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def informs_referrer(self):
        """The referrer may hear of the referral's progress (notices, statuses)."""
        return self.share_status_with_referrer and not self.withdrawn

    @property
    def informs_partner(self):
        """The partner that submitted the referral may hear of its status changes."""
        return self.share_status_with_partner and not self.withdrawn

    def withdraw(self, by, person, organisation, reason, at):
        """The record with the family's consent to share withdrawn; the first withdrawal
        stands (a second one changes nothing)."""
        if self.withdrawn:
            return self
        return replace(self, withdrawn_at=at, withdrawn_by=by, withdrawn_by_person=person,
                       withdrawn_by_organisation=organisation, withdrawal_reason=reason)

    def stored(self, submitted):
        """The dict kept in details["consent"]: `submitted` (what came in) with the record."""
        return {**(submitted or {}), "share_status_with_referrer": self.share_status_with_referrer,
                "share_status_with_partner": self.share_status_with_partner,
                "given_on": self.given_on,
                **{name: getattr(self, name) for name in RECORD_KEYS}}

    def shown(self):
        """The record as the coordinating organisation sees it: the reason stays out."""
        return {"share_status_with_referrer": self.share_status_with_referrer,
                "share_status_with_partner": self.share_status_with_partner,
                "given_on": self.given_on, "recorded_at": self.recorded_at,
                "recorded_by": self.recorded_by, "withdrawn_at": self.withdrawn_at,
                "withdrawn_by": self.withdrawn_by}


RECORD_KEYS = ("recorded_at", "recorded_by", "withdrawn_at", "withdrawn_by",
               "withdrawn_by_person", "withdrawn_by_organisation", "withdrawal_reason")
