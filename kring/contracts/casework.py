"""HTTP bodies and operations of the casework service (docs/contract.md §4).

A case is seen and changed by the coordinators of the organisation it is routed to and by its own
supporter while it is open or closing (the `sub` of a supporter token is the supporter_id),
nobody else: visit notes and safety concerns are for them only (kring/contracts/access.py).
"""
from marshmallow import Schema, fields, validate

from kring.contracts.operation import PREFIX, Operation
from kring.contracts.paging import Page, PageQuery
from kring.contracts.family import (ChangeIntensity, IntensityView, MemberView, MomentView,
                                    RecordMoment, SetFamilyMembers, SupportFigure, member_id)
from kring.contracts.fields import Flag, Strict, text

CASE = f"{PREFIX}/cases/<case_id>"
CASE_STATUSES = ("open", "closing", "handed_over", "withdrawn")
FOR_WHOM = ("adult", "child")
FUNCTIONS = ("emotional", "practical", "informative")
INTENSITIES = ("high", "regular", "light")
RECEIVING_KINDS = ("municipality", "local_partner")
MAX_VISIT_HOURS = 12


class PlanGoal(Strict):
    life_domain = text(64, required=True, metadata={"description": "leefgebied, e.g. parenting"})
    goal = text(2000, required=True)
    for_ = fields.String(data_key="for", required=True, validate=validate.OneOf(FOR_WHOM))
    members = fields.List(member_id(), load_default=list, validate=validate.Length(max=20),
                          metadata={"description": "the family members (member_id) the goal "
                                                   "concerns"})


class SetPlan(Strict):
    goals = fields.List(fields.Nested(PlanGoal), required=True,
                        validate=validate.Length(min=1, max=50))
    risk_factors = fields.List(text(500), load_default=list, validate=validate.Length(max=50))
    protective_factors = fields.List(text(500), load_default=list,
                                     validate=validate.Length(max=50))
    support_figures = fields.List(fields.Nested(SupportFigure), load_default=None,
                                  allow_none=True, validate=validate.Length(max=20), metadata={
                                      "description": "left out: the plan keeps the figures it "
                                                     "has"})
    intensity = fields.String(required=True, validate=validate.OneOf(INTENSITIES))


class LogVisit(Strict):
    date = fields.Date(required=True, metadata={
        "description": "not in the future, not before the case opened"})
    hours = fields.Float(required=True, validate=validate.Range(
        min=0, max=MAX_VISIT_HOURS, min_inclusive=False))
    notes = text(5000, load_default=None, allow_none=True)


class RecordSafetyConcern(Strict):
    description = text(5000, required=True)
    immediate = Flag(required=True, metadata={
        "description": "immediate safety comes first: the case cannot close until resolved"})


class ResolveSafetyConcern(Strict):
    resolution = text(5000, load_default=None, allow_none=True)


class CloseCase(Strict):
    evaluation = text(5000, required=True)
    goals_met = Flag(required=True)
    # why support ends: a code of the programme's closure_reasons (getProgramme); optional
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(min=1, max=64))


class ReceivingParty(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(RECEIVING_KINDS))
    name = text(200, required=True)


class HandOverCase(Strict):
    receiving_party = fields.Nested(ReceivingParty, required=True)
    summary = text(10000, required=True)
    support_figures_staying = fields.List(
        fields.String(), load_default=None, allow_none=True, validate=validate.Length(max=20),
        metadata={"description": "the figure_ids of the support figures who stay involved "
                                 "(aftercare hears their names and functions); left out: "
                                 "every figure of the plan"})


def _person(what):
    return fields.String(required=True, allow_none=True, metadata={
        "description": f"the person who {what} (the token's sub); null when that was before "
                       "people were recorded"})


def _role(what):
    return fields.String(required=True, metadata={"description": f"the role of who {what}"})


class CasePlan(SetPlan):
    support_figures = fields.List(fields.Nested(SupportFigure))
    set_by = _person("set the plan")
    set_by_role = _role("set the plan")
    set_at = fields.String(metadata={"format": "date-time"})


class CaseVisit(Schema):
    visit_id = fields.String(required=True)
    date = fields.Date(required=True)
    hours = fields.Float(required=True)
    notes = fields.String(allow_none=True)
    logged_by = _person("logged the visit")
    logged_by_role = _role("logged the visit")


class SafetyConcernView(Schema):
    concern_id = fields.String(required=True)
    description = fields.String(required=True)
    immediate = Flag(required=True)
    recorded_by = _person("recorded the concern")
    recorded_by_role = _role("recorded the concern")
    recorded_at = fields.String(required=True)
    resolved_at = fields.String(allow_none=True)
    resolution = fields.String(allow_none=True)


class CaseView(Schema):
    case_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(CASE_STATUSES))
    supporter_id = fields.String(required=True)
    supporter_kind = fields.String(required=True)
    severity = fields.String(required=True)
    coordinator_org = fields.String(required=True)
    opened_at = fields.String(required=True)
    plan = fields.Nested(CasePlan, allow_none=True)
    visits = fields.List(fields.Nested(CaseVisit), required=True)
    total_hours = fields.Float(required=True)
    safety_concerns = fields.List(fields.Nested(SafetyConcernView), required=True)
    evaluation = fields.Dict(allow_none=True, metadata={"description": "text, goals_met, at"})
    handover = fields.Dict(allow_none=True, metadata={
        "description": "receiving_kind, receiving_name, summary, at"})
    withdrawn_at = fields.String(allow_none=True)
    past_rounds = fields.List(fields.Dict(), metadata={
        "description": "evaluation and handover of each round before a relapse reopened it"})
    programme = fields.String(allow_none=True, metadata={
        "description": "the referral's programme code; null for a case opened before cases "
                       "knew it (then the default programme, home-start, applies)"})
    past_expected_duration = fields.Boolean(required=True, metadata={
        "description": "true while the case is open or closing past the programme's maximum "
                       "expected duration (its definition's duration.max_months)"})
    members = fields.List(fields.Nested(MemberView), required=True)
    intensity = fields.Nested(IntensityView, required=True)
    check_ins = fields.List(fields.Nested(MomentView), required=True)
    interim_evaluations = fields.List(fields.Nested(MomentView), required=True)
    next_check_in_on = fields.Date(allow_none=True, metadata={
        "description": "the last check-in (or the opening) plus the programme's "
                       "check_in_weeks; null when the case is not open"})
    next_evaluation_on = fields.Date(allow_none=True, metadata={
        "description": "the next of the programme's evaluation_weeks not yet held"})
    check_in_overdue = fields.Boolean(required=True)
    evaluation_overdue = fields.Boolean(required=True)
    below_rhythm = fields.Boolean(required=True, metadata={
        "description": "fewer visits over the last four weeks than the expected visits per "
                       "week make (the programme's rhythm, or the last intensity change's)"})


LISTED_STATUSES = ("open", "closing")  # the cases people still work on


class ListCasesQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(LISTED_STATUSES),
                           metadata={"description": "only the open cases, or only the closing "
                                                    "ones (to hand over); left out: both"})


class CaseRow(Schema):
    case_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(LISTED_STATUSES))
    programme = fields.String(allow_none=True)
    supporter_id = fields.String(required=True)
    severity = fields.String(required=True)
    opened_at = fields.String(required=True, metadata={"format": "date-time"})
    open_safety_concern = Flag(required=True, metadata={
        "description": "a safety concern is not resolved yet: these cases come first"})
    immediate_safety_concern = Flag(required=True, metadata={
        "description": "an immediate one among them (it blocks closing and handover)"})
    check_in_overdue = Flag(required=True, metadata={"description": "as in getCase"})
    evaluation_overdue = Flag(required=True, metadata={"description": "as in getCase"})


class CaseList(Page):
    cases = fields.List(fields.Nested(CaseRow), required=True)


def _op(operation_id, method, path, summary, body=None, success=200, statuses=()):
    return Operation(operation_id, "casework", method, path, summary, body=body,
                     response=CaseView, success=success, statuses=(404, *statuses))


OPERATIONS = [
    Operation("listCases", "casework", "GET", f"{PREFIX}/cases", "The cases still worked on "
              "(open, or closing: to hand over), those with a safety concern not resolved "
              "first, then the longest open; a page at a time. A coordinator's are those "
              "routed to its organisation, a supporter's its own. Each one listed is in its "
              "audit trail.", query=ListCasesQuery, response=CaseList),
    _op("getCase", "GET", CASE, "A case: status, plan, visits and hours, safety concerns, "
        "evaluation and handover. For the coordinators of its organisation, and for its own "
        "supporter until it is handed over."),
    _op("setPlan", "PUT", f"{CASE}/plan", "Set the plan of approach (plan van aanpak): goals "
        "per life domain for adults and children, risk and protective factors, support "
        "figures, intensity.", SetPlan, statuses=(409,)),
    _op("logVisit", "POST", f"{CASE}/visits", "Log a visit (usually a half-day) on an open "
        "case.", LogVisit, 201, (409,)),
    _op("recordSafetyConcern", "POST", f"{CASE}/safety-concerns", "Record a safety concern; "
        "an immediate one blocks closing until it is resolved.", RecordSafetyConcern,
        201, (409,)),
    _op("resolveSafetyConcern", "POST", f"{CASE}/safety-concerns/<concern_id>/resolve",
        "Mark a safety concern resolved.", ResolveSafetyConcern, statuses=(409,)),
    _op("closeCase", "POST", f"{CASE}/close", "The evaluation and closing conversation: the "
        "visits end and the case waits for its handover.", CloseCase, statuses=(409,)),
    _op("handOverCase", "POST", f"{CASE}/handover", "Hand a closed case over to the "
        "municipality or a local partner; aftercare starts and the supporter is free again.",
        HandOverCase, statuses=(409,)),
    _op("setFamilyMembers", "PUT", f"{CASE}/members", "Set who is in the family: role, age "
        "band, languages, at most a first name. A member a goal or a support figure refers "
        "to stays.", SetFamilyMembers, statuses=(409,)),
    _op("addSupportFigure", "POST", f"{CASE}/support-figures", "Record a support figure a "
        "member named, with their consent (refused without); the plan must be set.",
        SupportFigure, 201, (409,)),
    _op("updateSupportFigure", "PUT", f"{CASE}/support-figures/<figure_id>", "Change what "
        "is recorded of a support figure.", SupportFigure, statuses=(409,)),
    _op("removeSupportFigure", "DELETE", f"{CASE}/support-figures/<figure_id>", "Remove a "
        "support figure (e.g. consent withdrawn): their data goes.", statuses=(409,)),
    _op("changeIntensity", "POST", f"{CASE}/intensity", "Change the intensity (a level, or "
        "visits/hours per week), with a reason; kept as a history.", ChangeIntensity,
        201, (409,)),
    _op("recordCheckIn", "POST", f"{CASE}/check-ins", "The coordinator's check-in "
        "(tussentijdse check) on an open case.", RecordMoment, 201, (409,)),
    _op("recordEvaluation", "POST", f"{CASE}/evaluations", "An evaluation moment of an open "
        "case (the programme's evaluation_weeks).", RecordMoment, 201, (409,)),
]
