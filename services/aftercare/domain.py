"""Aftercare (nazorg): agreed contacts after the handover, as many as the case's severity needs.

Pure: no nameko, no SQLAlchemy, no IO. A plan starts when casework hands a case over; the
coordinator logs the contacts, completes the plan (the referral then closes) or reports a
relapse (casework reopens the case). A withdrawn referral ends the plan without a word.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from kring.errors import Invalid, NotAllowed
from services.aftercare.events import AftercareCompleted, AftercareStarted, RelapseReported
from services.aftercare.schedule import SCHEDULES

ACTIVE, COMPLETED, WITHDRAWN, RELAPSED = "active", "completed", "withdrawn", "relapsed"
STATUSES = (ACTIVE, COMPLETED, WITHDRAWN, RELAPSED)
# `today` is the UTC date, and a Dutch coordinator's day begins an hour or two before UTC's
CLOCK_SLACK = timedelta(days=1)


@dataclass
class Contact:
    number: int  # 1, 2, … within the plan; never reused
    due_on: date | None  # None: an extra contact, outside the schedule
    done_on: date | None = None
    overdue: bool = False  # the overdue timer's to set, in SQL (models.Plans.mark_overdue)
    notes: str | None = None
    support_figure_id: str | None = None  # the contact was with this support figure

    @property
    def is_open(self):
        return self.due_on is not None and self.done_on is None


@dataclass
class AftercarePlan:
    aftercare_id: str
    referral_id: str
    case_id: str
    severity: str
    receiving_kind: str
    receiving_name: str
    started_on: date
    ends_on: date
    status: str = ACTIVE
    end_notes: str | None = None
    # the organisation the referral is routed to: its coordinators, and only they, work on the
    # plan. None in a plan stored before plans knew it: nobody reaches that one until its case
    # is handed over again (learn_coordinator)
    coordinator_org: str | None = None
    contacts: list = field(default_factory=list)
    # the support figures who stay involved, as the handover named them (figure_id, name,
    # functions), recorded with their consent
    support_figures: list = field(default_factory=list)
    events: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def start(cls, aftercare_id, referral_id, case_id, severity, receiving_kind,
              receiving_name, started_on, coordinator_org, schedules=SCHEDULES,
              support_figures=()):
        """`schedules`: the programme's table (schedule.schedules)."""
        plan = cls(aftercare_id, referral_id, case_id, severity, receiving_kind,
                   receiving_name, started_on, started_on, coordinator_org=coordinator_org,
                   support_figures=[dict(f) for f in support_figures])
        plan._schedule(severity, started_on, schedules=schedules)
        return plan

    def learn_coordinator(self, coordinator_org):
        """A handover of the plan's case names its coordinating organisation, which never
        changes for a case: a plan that does not know it yet takes it; one that does keeps it."""
        if self.coordinator_org is None:
            self.coordinator_org = coordinator_org

    def restart(self, severity, receiving_kind, receiving_name, started_on, schedules=SCHEDULES,
                support_figures=()):
        """The reopened case was handed over again: a new round of contacts, the same plan,
        with the support figures this handover named."""
        if self.status != RELAPSED:
            raise NotAllowed(f"aftercare is {self.status}; only a relapsed plan starts again")
        first = self._next_number()  # numbers of the dropped open contacts are not reused
        self.contacts = [c for c in self.contacts if c.done_on is not None]  # history stays
        self.severity, self.receiving_kind, self.receiving_name = (
            severity, receiving_kind, receiving_name)
        self.status, self.end_notes = ACTIVE, None
        self.support_figures = [dict(f) for f in support_figures]
        self._schedule(severity, started_on, first, schedules)

    def _schedule(self, severity, started_on, first=1, schedules=SCHEDULES):
        due = schedules[severity].due_dates(started_on)
        self.started_on, self.ends_on = started_on, due[-1]
        self.contacts.extend(Contact(first + i, on) for i, on in enumerate(due))
        self.events.append(AftercareStarted(self.ends_on))

    def _next_number(self):
        return max((c.number for c in self.contacts), default=0) + 1

    def check_active(self, step):
        if self.status != ACTIVE:
            raise NotAllowed(f"cannot {step}: aftercare is {self.status}")

    def log_contact(self, on, notes, today, support_figure_id=None):
        """Marks the earliest open scheduled contact done, or adds an extra one if none is open.
        `support_figure_id`: the contact was with that support figure, not the family."""
        self.check_active("log a contact")
        if support_figure_id is not None and support_figure_id not in {
                f.get("figure_id") for f in self.support_figures}:
            raise Invalid("no such support figure in this aftercare", {"support_figure_id": [
                "must be one of the support figures who stay involved"]})
        if on > today + CLOCK_SLACK:
            raise Invalid("the contact is in the future", {"date": ["must not be in the future"]})
        if on < self.started_on:
            raise Invalid("the contact is before aftercare started",
                          {"date": [f"must not be before {self.started_on.isoformat()}"]})
        contact = next((c for c in self.scheduled() if c.is_open), None)
        if contact is None:
            contact = Contact(self._next_number(), None)
            self.contacts.append(contact)
        contact.done_on, contact.notes = on, notes
        contact.support_figure_id = support_figure_id
        return contact

    def report_relapse(self, notes):
        self.check_active("report a relapse")
        self.status, self.end_notes = RELAPSED, notes
        self.events.append(RelapseReported())

    def complete(self, notes):
        self.check_active("complete aftercare")
        self.status, self.end_notes = COMPLETED, notes
        self.events.append(AftercareCompleted())

    def withdraw(self):
        """The family or referrer withdrew: no further contacts. A finished plan stays as it is."""
        if self.status in (ACTIVE, RELAPSED):
            self.status = WITHDRAWN

    def erase(self):
        """The family's data is erased (docs/contract.md §7): the notes of its contacts and
        its end, the receiving party's name and the support figures' names. Dates, the
        schedule and the status stay; a plan still running stops (its referral was
        withdrawn)."""
        self.withdraw()
        self.end_notes, self.receiving_name = None, ""
        self.support_figures = [{**f, "name": None} for f in self.support_figures]
        for contact in self.contacts:
            contact.notes = None

    def next_contact(self):
        """The earliest scheduled contact not done yet, or None."""
        return next((c for c in self.scheduled() if c.is_open), None)

    def scheduled(self):
        return sorted((c for c in self.contacts if c.due_on is not None),
                      key=lambda c: (c.due_on, c.number))
