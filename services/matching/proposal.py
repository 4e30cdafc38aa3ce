"""A proposal: one supporter proposed to one family, open until both answer or one says no.

Pure, like domain.py: it changes only through its MatchingReferral.
"""
from dataclasses import dataclass, field

from kring.errors import NotAllowed

# proposal statuses; a proposal is DECLINED when the family or the supporter says no
OPEN, ACCEPTED, DECLINED, CANCELLED = "open", "accepted", "declined", "cancelled"
PARTIES = ("family", "supporter")


@dataclass
class Proposal:
    """One supporter proposed to one family; open until both answer, or one says no."""
    proposal_id: str
    referral_id: str
    supporter_id: str
    supporter_name: str
    supporter_kind: str
    score: int
    reasons: list
    made_at: str
    status: str = OPEN
    answers: dict = field(default_factory=dict)  # party -> {"accept", "reason", "at"}
    closed_at: str | None = None

    @property
    def waiting_for(self):
        """The parties still to answer, while it is open."""
        return [party for party in PARTIES if party not in self.answers] \
            if self.status == OPEN else []

    def answer(self, party, accept, reason, at):
        if self.status != OPEN:
            raise NotAllowed(f"the proposal is {self.status}, no longer open")
        if party in self.answers:
            raise NotAllowed(f"the {party} has already answered this proposal")
        self.answers[party] = {"accept": accept, "reason": reason, "at": at}
        if not accept:
            self._close(DECLINED, at)
        elif all(self.answers.get(p, {}).get("accept") for p in PARTIES):
            self._close(ACCEPTED, at)

    def erase(self):
        """The reasons name the family's languages and needs, the answers may say anything
        about it: gone with the family's data; who answered yes or no, and when, stays."""
        self.reasons = []
        self.answers = {party: {**answer, "reason": None}
                        for party, answer in self.answers.items()}

    def cancel(self, at):
        if self.status == OPEN:
            self._close(CANCELLED, at)

    def _close(self, status, at):
        self.status, self.closed_at = status, at
