"""What happens to a case: its past-tense domain events.

Pure: no nameko, no SQLAlchemy, no IO. The case records them in `Case.events`; the unit of work
collects them on commit and outgoing.py turns each into a contract event. They carry only what
the case itself does not: the rest (ids, supporter, severity) the translation reads off the case.
"""
from dataclasses import dataclass


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
    support_figures: tuple = ()  # who stay involved: figure_id, name, functions


@dataclass(frozen=True)
class CaseReopened:
    pass
