"""What a case holds (visits, safety concerns) and what happens to it (past-tense domain events).

Pure: no nameko, no SQLAlchemy, no IO. The handlers turn the events into contract events.
"""
from dataclasses import dataclass
from datetime import date


@dataclass
class Visit:
    visit_id: str
    visited_on: date
    hours: float
    notes: str | None
    logged_by: str  # the role that logged it: the supporter, or the coordinator at a check-in
    logged_at: str


@dataclass
class SafetyConcern:
    concern_id: str
    description: str
    immediate: bool
    recorded_by: str
    recorded_at: str
    resolved_at: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class CaseStarted:
    pass


@dataclass(frozen=True)
class SafetyConcernRecorded:
    immediate: bool


@dataclass(frozen=True)
class CaseClosed:
    goals_met: bool


@dataclass(frozen=True)
class CaseHandedOver:
    receiving_kind: str
    receiving_name: str


@dataclass(frozen=True)
class CaseReopened:
    pass
