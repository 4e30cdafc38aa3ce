"""What one referral or consultation adds to a report (docs/contract.md §7 "Reports").

Pure. A referral's figures come from its timeline, which hears every stage: each figure falls
in the period of the day it happened (a referral in on the day it was received, a completion on
the day it closed, a time to intake on the day of the intake). Hours of visits come from
casework as totals per group and period (`add_hours`).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass

from services.referral.domain import (AFTERCARE, CLOSED, COMPLETED, DECLINED, IN_PROGRESS,
                                      MATCHING, RECEIVED, WAITLISTED, WITHDRAWN)
from services.referral.report_periods import day_of, days_between, weeks_between

STATUSES = {RECEIVED, MATCHING, WAITLISTED, IN_PROGRESS, AFTERCARE, CLOSED}
OUTCOMES = {DECLINED: "declined", WITHDRAWN: "withdrawn", COMPLETED: "completed"}
# timeline entries counted by name, on the day they were recorded
NAMED = {"case_reopened": "relapses", "commissioned": "commissioned",
         "not_commissioned": "not_commissioned"}


@dataclass(frozen=True)
class ReferralFacts:
    """What a report may know of a referral: nothing of the family, no id."""
    programme: str
    municipality_code: str | None
    outcome: str | None
    timeline: tuple  # (status, at) pairs
    self_referred: bool = False


@dataclass(frozen=True)
class ConsultationFacts:
    programme: str
    municipality_code: str
    requested_at: str
    answered_at: str | None  # the last answer
    closed_at: str | None
    rounds: int


class Tally:
    """The figures of every group (programme, municipality) in every period of a calendar."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.counts = defaultdict(Counter)  # (group, label) -> name -> count
        self.values = defaultdict(lambda: defaultdict(list))  # (group, label) -> name -> [...]
        self.hours = {}  # (group, label) -> (hours, families)
        self.groups = set()  # groups with anything in the range

    def count(self, group, name, moment, by=1):
        period = self.calendar.of(day_of(moment))
        if period is not None and by:
            self.counts[group, period.label][name] += by
            self.groups.add(group)

    def measure(self, group, name, moment, value):
        period = self.calendar.of(day_of(moment))
        if period is not None:
            self.values[group, period.label][name].append(value)
            self.groups.add(group)

    def add_hours(self, group, label, hours, families):
        if families:
            self.hours[group, label] = (hours, families)
            self.counts[group, label]["families_visited"] += families
            self.groups.add(group)

    def add_referral(self, facts):
        group = (facts.programme, facts.municipality_code)
        entries = sorted(facts.timeline, key=lambda entry: entry[1])
        received = _first(entries, RECEIVED)
        self.count(group, "referrals_in", received)
        if facts.self_referred:
            self.count(group, "self_referred", received)
        closed = _first(entries, CLOSED)
        if facts.outcome in OUTCOMES:
            self.count(group, OUTCOMES[facts.outcome], closed)
        if facts.outcome == COMPLETED and _first(entries, AFTERCARE):
            self.count(group, "aftercare_completed", closed)
        intake = _first(entries, "intake_done")
        if received and intake:
            self.measure(group, "intake_days", intake, days_between(received, intake))
        started = _first(entries, IN_PROGRESS)
        if received and started:
            self.count(group, "support_started", started)
            self.measure(group, "start_days", started, days_between(received, started))
            ended = _support_ended(entries, closed)
            if ended:
                self.count(group, "support_ended", ended)
                self.measure(group, "support_weeks", ended, weeks_between(started, ended))
        for status, at in entries:
            if status in NAMED:
                self.count(group, NAMED[status], at)
        if not any(status == WAITLISTED for status, _ in entries):
            return  # the common case: never on the waiting list, no period to look at
        for period in self.calendar.periods:
            if _status_on(entries, period.last) == WAITLISTED:
                self.counts[group, period.label]["waitlisted_at_end"] += 1
                self.groups.add(group)

    def add_consultation(self, facts):
        group = (facts.programme, facts.municipality_code)
        self.count(group, "consultations_requested", facts.requested_at)
        self.count(group, "consultations_answered", facts.answered_at)
        self.count(group, "consultations_closed", facts.closed_at)
        self.count(group, "consultation_rounds", facts.closed_at, by=facts.rounds)


def _first(entries, status):
    return next((at for name, at in entries if name == status), None)


def _support_ended(entries, closed):
    """When support ended: the last closing of the case not followed by a reopening (a
    relapse), else the referral's closing (withdrawn mid-case); None while it runs."""
    ended = None
    for status, at in entries:
        if status == "case_closed":
            ended = at
        elif status == "case_reopened":
            ended = None
    return ended or closed


def _status_on(entries, day):
    """The referral's status at the end of `day`."""
    status = None
    for name, at in entries:
        if day_of(at) > day:
            break
        if name in STATUSES:
            status = name
    return status
