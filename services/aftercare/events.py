"""What happened to an aftercare plan: the domain events AftercarePlan records.

The unit of work collects them on commit and outgoing.py says what each becomes on the wire.
A withdrawal and a logged contact record none: nobody else needs to hear of them.
"""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AftercareStarted:
    ends_on: date


@dataclass(frozen=True)
class AftercareCompleted:
    pass


@dataclass(frozen=True)
class RelapseReported:
    pass
