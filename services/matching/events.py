"""What happened in matching: past-tense domain events, each one a contract event."""
from dataclasses import dataclass


@dataclass(frozen=True)
class IntakeRecorded:
    fits: bool
    severity: str | None
    reason: str | None
    coordinator_org: str
    commission_required: bool = False  # it waits for the municipality's commission


@dataclass(frozen=True)
class ProposalMade:
    proposal_id: str
    supporter_id: str
    reasons: list


@dataclass(frozen=True)
class ProposalDeclined:
    proposal_id: str
    party: str


@dataclass(frozen=True)
class ReferralWaitlisted:
    reason: str


@dataclass(frozen=True)
class MatchMade:
    proposal_id: str
    supporter_id: str
    supporter_kind: str
    severity: str
    coordinator_org: str
    programme: str | None
