"""The case as the API shows it (kring.contracts.casework.CaseView), in plain JSON types.

Only a coordinator of the case's organisation and the case's own supporter ever get this far
(handlers: the rule table's reach), so visit notes and safety descriptions are shown in full:
they are the ones who need them. Who wrote what is the person, with the role they wrote it in.
"""
from datetime import date

from kring import programmes
from kring.clock import utcnow
from services.casework import rhythm
from services.casework.domain import OPEN


def view(case, today=None):
    """`today`: the UTC date unless given; against it the programme's maximum duration
    (kring.programmes) sets `past_expected_duration`."""
    today = today or utcnow().date()
    definition = programmes.current().of(case.programme)
    max_months = definition.duration["max_months"]
    return {
        "case_id": case.case_id,
        "referral_id": case.referral_id,
        "status": case.status,
        "supporter_id": case.supporter_id,
        "supporter_kind": case.supporter_kind,
        "severity": case.severity,
        "coordinator_org": case.coordinator_org,
        "opened_at": case.opened_at,
        "plan": _plan(case.plan),
        "visits": [{"visit_id": v.visit_id, "date": v.visited_on.isoformat(),
                    "hours": v.hours, "notes": v.notes, "logged_by": v.logged_by,
                    "logged_by_role": v.logged_by_role}
                   for v in sorted(case.visits, key=lambda v: (v.visited_on, v.logged_at))],
        "total_hours": round(case.total_hours, 2),
        "safety_concerns": [
            {"concern_id": c.concern_id, "description": c.description,
             "immediate": c.immediate, "recorded_by": c.recorded_by,
             "recorded_by_role": c.recorded_by_role,
             "recorded_at": c.recorded_at, "resolved_at": c.resolved_at,
             "resolution": c.resolution}
            for c in sorted(case.concerns, key=lambda c: c.recorded_at)],
        "evaluation": case.evaluation,
        "handover": case.handover,
        "withdrawn_at": case.withdrawn_at,
        "past_rounds": case.past_rounds,
        "programme": case.programme,
        "past_expected_duration": case.past_expected_duration(today, max_months),
        "members": case.members,
        **over_time(case, definition, today),
    }


def row(case, today=None):
    """A row of listCases: what the coordinator's queue sorts and flags by, the flags as
    getCase computes them (`over_time`)."""
    today = today or utcnow().date()
    flags = over_time(case, programmes.current().of(case.programme), today)
    return {"case_id": case.case_id, "referral_id": case.referral_id, "status": case.status,
            "programme": case.programme, "supporter_id": case.supporter_id,
            "severity": case.severity, "opened_at": case.opened_at,
            "open_safety_concern": bool(case.open_concerns()),
            "immediate_safety_concern": bool(case.open_immediate_concerns()),
            **{name: flags[name] for name in ("check_in_overdue", "evaluation_overdue")}}


def over_time(case, definition, today):
    """Intensity over time (services/casework/rhythm.py) and the flags the coordinator works
    from; the flags and the next moments only while the case is open."""
    expected = rhythm.expected(definition.rhythm, case.intensity_changes)
    opened_on = date.fromisoformat(case.opened_at[:10])
    is_open = case.status == OPEN
    next_check_in = rhythm.next_check_in(opened_on, case.check_ins, definition.check_in_weeks)
    next_evaluation = rhythm.next_evaluation(opened_on, case.interim_evaluations,
                                             definition.evaluation_weeks)
    return {
        "intensity": {"level": (case.plan or {}).get("intensity"), "expected": expected,
                      "recent_weeks": rhythm.recent_weeks(case.visits, today),
                      "changes": case.intensity_changes},
        "check_ins": case.check_ins,
        "interim_evaluations": case.interim_evaluations,
        "next_check_in_on": _iso(next_check_in if is_open else None),
        "next_evaluation_on": _iso(next_evaluation if is_open else None),
        "check_in_overdue": is_open and today > next_check_in,
        "evaluation_overdue": is_open and next_evaluation is not None and today > next_evaluation,
        "below_rhythm": is_open and rhythm.below_rhythm(
            case.visits, expected["visits_per_week"], opened_on, today),
    }


def _iso(day):
    return day.isoformat() if day else None


def _plan(plan):
    """A plan set before people were recorded names only the role, in `set_by`."""
    if plan is None or "set_by_role" in plan:
        return plan
    return {**plan, "set_by": None, "set_by_role": plan.get("set_by")}
