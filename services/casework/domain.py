"""The case (casus, traject): one family, one fixed supporter, from the match to the handover.

Pure: no nameko, no SQLAlchemy, no IO; times come in as ISO 8601 UTC text, days as dates.

    open --close--> closing --hand_over--> handed_over --reopen (a relapse in aftercare)--> open
    open, closing, handed_over --withdraw (support is voluntary)--> withdrawn (final)

The supporter is the family's single point of contact and visits weekly, a half-day (dagdeel)
at a time; the coordinator checks in. Immediate safety (directe veiligheid) comes first: an
unresolved immediate concern blocks the closing and the handover (overdracht).
"""
import calendar
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from kring.errors import Invalid, NotAllowed, NotFound
from services.casework.events import (CaseClosed, CaseHandedOver, CaseReopened, CaseStarted,
                                      SafetyConcernRecorded)
from services.casework import family
from services.casework.plan import check_plan

OPEN, CLOSING, HANDED_OVER, WITHDRAWN = "open", "closing", "handed_over", "withdrawn"
STATUSES = (OPEN, CLOSING, HANDED_OVER, WITHDRAWN)
# the supporter works on the case, and takes part in its evaluation; after that it is not theirs
SUPPORTER_TAKES_PART = (OPEN, CLOSING)
RECEIVING_KINDS = ("municipality", "local_partner")
MAX_VISIT_HOURS = 12
# `today` is the UTC date, and a Dutch supporter's day begins an hour or two before UTC's
CLOCK_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Author:
    """Who wrote something on the case: the person (the token's `sub`) and the role they had."""
    person: str
    role: str


@dataclass
class Visit:
    visit_id: str
    visited_on: date
    hours: float
    notes: str | None
    logged_by: str | None  # the person; None for visits logged before people were recorded
    logged_by_role: str  # the supporter, or the coordinator at a check-in
    logged_at: str


@dataclass
class SafetyConcern:
    concern_id: str
    description: str
    immediate: bool
    recorded_by: str | None  # the person; None for concerns from before people were recorded
    recorded_by_role: str
    recorded_at: str
    resolved_at: str | None = None
    resolution: str | None = None


@dataclass
class Case:
    """The aggregate: visits and concerns change only through it. `events` holds what happened
    since it was loaded (services/casework/events.py), for the unit of work to collect."""

    case_id: str
    referral_id: str
    supporter_id: str
    supporter_kind: str
    severity: str
    coordinator_org: str
    opened_at: str
    status: str = OPEN
    plan: dict | None = None
    evaluation: dict | None = None  # the closing conversation: text, goals_met, at
    handover: dict | None = None  # receiving_kind, receiving_name, summary, at
    withdrawn_at: str | None = None
    past_rounds: list = field(default_factory=list)  # evaluation and handover before a relapse
    # the referral's programme code (kring.programmes); None for a case opened before cases
    # knew it: the default programme's
    programme: str | None = None
    visits: list = field(default_factory=list)
    concerns: list = field(default_factory=list)
    # who is in the family (services/casework/family.py), the intensity changes with their
    # reasons, and the coordinator's check-ins and evaluation moments: JSON-ready dicts
    members: list = field(default_factory=list)
    intensity_changes: list = field(default_factory=list)
    check_ins: list = field(default_factory=list)
    interim_evaluations: list = field(default_factory=list)
    events: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def open(cls, case_id, referral_id, supporter_id, supporter_kind, severity,
             coordinator_org, at, programme=None):
        case = cls(case_id, referral_id, supporter_id, supporter_kind, severity,
                   coordinator_org, at, programme=programme)
        case.events.append(CaseStarted())
        return case

    def past_expected_duration(self, today, max_months):
        """True while support still runs (open or closing) after the programme's expected
        maximum duration, counted in calendar months from the day the case opened."""
        if self.status not in SUPPORTER_TAKES_PART:
            return False
        opened = date.fromisoformat(self.opened_at[:10])
        month_index = opened.month - 1 + max_months
        year, month = opened.year + month_index // 12, month_index % 12 + 1
        # opened on 31 August, 6 months: the end is the last day of February
        ends = date(year, month, min(opened.day, calendar.monthrange(year, month)[1]))
        return today > ends

    @property
    def total_hours(self):
        return sum(visit.hours for visit in self.visits)

    def open_concerns(self):
        return [c for c in self.concerns if c.resolved_at is None]

    def open_immediate_concerns(self):
        return [c for c in self.open_concerns() if c.immediate]

    @property
    def supporter_takes_part(self):
        """While open and closing the case is its supporter's too; handed over or withdrawn, it
        is no longer (who reaches a case: kring/contracts/access.py)."""
        return self.status in SUPPORTER_TAKES_PART

    def check_status(self, step, *allowed):
        if self.status not in allowed:
            raise NotAllowed(f"cannot {step}: the case is {self.status}")

    def check_safe(self, step):
        if self.open_immediate_concerns():
            raise NotAllowed(f"cannot {step}: an immediate safety concern is not resolved yet")

    def set_plan(self, plan, by, at, new_id=None):
        """A plan that leaves its support figures out keeps the ones it has; a figure given
        with the figure_id of one it has keeps that id."""
        self.check_status("change the plan", OPEN)
        new_id = new_id or new_uuid
        check_plan(plan)
        family.check_goal_members(plan, self.members)
        had = {f.get("figure_id") for f in family.figures_of(self.plan)} - {None}
        figures = family.figures_of(self.plan) if plan.get("support_figures") is None else [
            family.checked_figure(f, self.members, f.get("figure_id")
                                  if f.get("figure_id") in had else new_id())
            for f in plan["support_figures"]]
        self.plan = {**plan, "support_figures": figures, "set_by": by.person,
                     "set_by_role": by.role, "set_at": at}

    def set_members(self, members, new_id):
        self.check_status("change the family's members", OPEN)
        members = family.members_from(members, new_id)
        family.check_members_kept(members, self.plan)
        self.members = members

    def add_support_figure(self, figure, figure_id):
        self.check_status("record a support figure", OPEN)
        if self.plan is None:
            raise NotAllowed("cannot record a support figure: set the plan first")
        added = family.checked_figure(figure, self.members, figure_id)
        family.figures_of(self.plan).append(added)
        return added

    def update_support_figure(self, figure_id, figure):
        self.check_status("change a support figure", OPEN)
        family.figure_in(self.plan, figure_id).update(
            family.checked_figure(figure, self.members, figure_id))

    def remove_support_figure(self, figure_id):
        """E.g. the figure withdrew their consent: nothing of them stays."""
        self.check_status("remove a support figure", OPEN)
        gone = family.figure_in(self.plan, figure_id)
        self.plan["support_figures"] = [f for f in self.plan["support_figures"] if f is not gone]

    def change_intensity(self, change, by, at):
        self.check_status("change the intensity", OPEN)
        given = {key: change.get(key) for key in ("level", "visits_per_week", "hours_per_week")}
        if all(value is None for value in given.values()):
            raise Invalid("say what changes", {"level": [
                "give a level, visits_per_week or hours_per_week"]})
        if given["level"] is not None and self.plan is not None:
            self.plan["intensity"] = given["level"]
        self.intensity_changes.append({**given, "reason": change["reason"], "by": by.person,
                                       "by_role": by.role, "at": at})

    def record_check_in(self, on, notes, by, at, today):
        self.check_status("record a check-in", OPEN)
        self.check_ins.append(self._moment(on, notes, by, at, today))

    def record_evaluation(self, on, notes, by, at, today):
        self.check_status("record an evaluation", OPEN)
        self.interim_evaluations.append(self._moment(on, notes, by, at, today))

    def _moment(self, on, notes, by, at, today):
        self._check_day(on, today, "the day")
        return {"date": on.isoformat(), "notes": notes, "by": by.person, "by_role": by.role,
                "at": at}

    def _check_day(self, on, today, what):
        if on > today + CLOCK_SLACK:
            raise Invalid(f"{what} is in the future", {"date": ["must not be in the future"]})
        opened_on = date.fromisoformat(self.opened_at[:10])
        if on < opened_on:
            raise Invalid(f"{what} is before the case opened",
                          {"date": [f"must not be before {opened_on.isoformat()}"]})

    def log_visit(self, visit_id, on, hours, notes, by, at, today):
        self.check_status("log a visit", OPEN)
        if not 0 < hours <= MAX_VISIT_HOURS:
            raise Invalid("a visit is more than 0 and at most 12 hours",
                          {"hours": [f"must be more than 0 and at most {MAX_VISIT_HOURS}"]})
        self._check_day(on, today, "the visit")
        visit = Visit(visit_id, on, hours, notes, by.person, by.role, at)
        self.visits.append(visit)
        return visit

    def record_safety_concern(self, concern_id, description, immediate, by, at):
        self.check_status("record a safety concern", OPEN, CLOSING)
        concern = SafetyConcern(concern_id, description, immediate, by.person, by.role, at)
        self.concerns.append(concern)
        self.events.append(SafetyConcernRecorded(immediate))
        return concern

    def resolve_safety_concern(self, concern_id, resolution, at):
        concern = next((c for c in self.concerns if c.concern_id == concern_id), None)
        if concern is None:
            raise NotFound(f"no safety concern {concern_id} on this case")
        if concern.resolved_at is not None:
            raise NotAllowed("this safety concern is already resolved")
        concern.resolved_at, concern.resolution = at, resolution

    def close(self, evaluation, goals_met, at, reason=None, reasons=()):
        """The evaluation and closing conversation: the supporter's visits are over.
        `reason`: why support ends, one of the programme's closure reason codes (`reasons`);
        None when the coordinator gives none."""
        self.check_status("close the case", OPEN)
        self.check_safe("close the case")
        if reason is not None and reason not in reasons:
            raise Invalid("not a closure reason of the programme",
                          {"reason": [f"one of {', '.join(reasons)}"]})
        self.status = CLOSING
        self.evaluation = {"text": evaluation, "goals_met": goals_met, "at": at,
                           "reason": reason}
        self.events.append(CaseClosed(goals_met))

    def hand_over(self, receiving_kind, receiving_name, summary, at, staying=None):
        """`staying`: the figure_ids of the support figures who stay involved; None: every
        figure of the plan. Aftercare hears their names and functions, nothing more."""
        self.check_status("hand the case over (close it first)", CLOSING)
        self.check_safe("hand the case over")
        if receiving_kind not in RECEIVING_KINDS:
            raise Invalid("unknown receiving party",
                          {"receiving_party": {"kind": [f"one of {', '.join(RECEIVING_KINDS)}"]}})
        figures = tuple({"figure_id": f["figure_id"], "name": f["name"],
                         "functions": list(f["functions"])}
                        for f in family.staying(self.plan, staying))
        self.status = HANDED_OVER
        self.handover = {"receiving_kind": receiving_kind, "receiving_name": receiving_name,
                         "summary": summary, "at": at, "support_figures": list(figures)}
        self.events.append(CaseHandedOver(receiving_kind, receiving_name, figures))

    def withdraw(self, at):
        """The family or referrer stopped: no more visits, and no relapse can reopen it."""
        self.check_status("withdraw the case", OPEN, CLOSING, HANDED_OVER)
        self.status, self.withdrawn_at = WITHDRAWN, at

    def reopen(self, at):
        """A relapse in aftercare: the same supporter takes the family up again."""
        self.check_status("reopen the case", HANDED_OVER)
        self.past_rounds.append({"evaluation": self.evaluation, "handover": self.handover,
                                 "reopened_at": at})
        self.status, self.evaluation, self.handover = OPEN, None, None
        self.events.append(CaseReopened())

    def erase(self, at):
        """The family's data is erased (docs/contract.md §7): plan texts, visit notes, safety
        concern texts, the evaluation's and the handover's words, in this round and the ones
        before a relapse; the members but for their ids and roles, the support figures, the
        reasons of intensity changes, the notes of check-ins and evaluations. Dates, hours,
        statuses and whether the goals were met stay. A case still open was withdrawn (its withdrawal may come after this, and is ignored then)."""
        if self.status in SUPPORTER_TAKES_PART:
            self.status, self.withdrawn_at = WITHDRAWN, at
        self.plan = erased_plan(self.plan)
        self.evaluation, self.handover = erased_evaluation(self.evaluation), \
            erased_handover(self.handover)
        self.past_rounds = [{**past, "evaluation": erased_evaluation(past.get("evaluation")),
                             "handover": erased_handover(past.get("handover"))}
                            for past in self.past_rounds]
        for visit in self.visits:
            visit.notes = None
        self.members = family.erased_members(self.members)
        self.intensity_changes = [{**c, "reason": None} for c in self.intensity_changes]
        self.check_ins, self.interim_evaluations = (
            [{**m, "notes": None} for m in moments]
            for moments in (self.check_ins, self.interim_evaluations))
        for concern in self.concerns:
            concern.description, concern.resolution = "", None


def new_uuid():
    return str(uuid.uuid4())


def erased_plan(plan):
    """How many goals for whom, the intensity, and who set it when; not a word of the plan
    (goals, life domains, factors, support figures)."""
    if plan is None:
        return None
    kept = {key: plan[key] for key in ("intensity", "set_by", "set_by_role", "set_at")
            if key in plan}
    return {**kept, "goals": [{"for": goal.get("for")} for goal in plan.get("goals") or []],
            "risk_factors": [], "protective_factors": [], "support_figures": []}


def erased_evaluation(evaluation):
    return None if evaluation is None else {**evaluation, "text": None}


def erased_handover(handover):
    """To whom of which kind, and when; not the receiving party's name nor the summary, nor
    the names of the support figures who stayed."""
    return None if handover is None else {
        **handover, "receiving_name": None, "summary": None,
        "support_figures": [{"figure_id": f.get("figure_id"), "name": None,
                             "functions": f.get("functions")}
                            for f in handover.get("support_figures") or []]}
