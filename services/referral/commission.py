"""The municipality's commission (beschikking) of a referral whose programme needs one
(docs/contract.md §4 "Commissions"). Pure: a value the referral keeps.

Its state and moments are kept in the clear (the municipality's list is a query over them);
what the intake said (severity) and who decided, and why not, are kept sealed with the
referral's details. The reason for a no is free text a person wrote: it stays here (never in an
event, docs/contract.md §7 "Data in motion") and goes with the family's data on erasure.
"""
from dataclasses import dataclass, replace

from kring.contracts.commission import AWAITING, COMMISSIONED, NOT_COMMISSIONED, WITHDRAWN


@dataclass(frozen=True)
class Commission:
    state: str
    asked_at: str
    intake_at: str
    severity: str | None = None
    decided_at: str | None = None
    decided_by: dict | None = None  # {"role", "organisation", "person"}
    reason: str | None = None  # why not; None for a yes

    @classmethod
    def asked(cls, at, severity):
        """A fitting intake of a programme that needs a commission asks for it."""
        return cls(AWAITING, at, at, severity)

    @classmethod
    def of(cls, state, asked_at, decided_at, stored):
        """The commission as the referral keeps it, or None when none was asked for."""
        if state is None:
            return None
        stored = stored or {}
        return cls(state, asked_at, stored.get("intake_at") or asked_at, stored.get("severity"),
                   decided_at, stored.get("decided_by"), stored.get("reason"))

    @property
    def awaiting(self):
        return self.state == AWAITING

    def decide(self, commissioned, reason, by_role, by_org, person, at):
        return replace(self, state=COMMISSIONED if commissioned else NOT_COMMISSIONED,
                       decided_at=at, reason=None if commissioned else reason,
                       decided_by={"role": by_role, "organisation": by_org, "person": person})

    def lapse(self):
        """The referral closed (withdrawn, erased) before the municipality decided."""
        return replace(self, state=WITHDRAWN)

    def erased(self):
        """What stays once the family's data is erased: the decision, not the reason."""
        return replace(self, reason=None)

    def stored(self):
        """The sealed part, as details["commission"]."""
        return {"intake_at": self.intake_at, "severity": self.severity,
                "decided_by": self.decided_by, "reason": self.reason}
