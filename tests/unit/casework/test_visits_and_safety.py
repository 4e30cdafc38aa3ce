"""Visits (a half-day, dagdeel, at a time) and the rule that immediate safety comes first."""
from datetime import timedelta

import pytest

from kring.errors import Invalid, NotAllowed, NotFound
from services.casework.domain import CLOSING, HANDED_OVER, OPEN
from tests.support.unit.casework import (AT, BY_COORDINATOR, BY_SUPPORTER, OPENED_ON, TODAY,
                                         case_in)


def log(case, on=TODAY, hours=4, today=TODAY):
    return case.log_visit(f"v-{len(case.visits)}", on, hours, "notes", BY_SUPPORTER, AT, today)


@pytest.mark.parametrize("hours", [0.25, 4, 12])
def test_visits_from_a_quarter_hour_to_twelve_hours(hours):
    case = case_in(OPEN)
    visit = log(case, hours=hours)
    assert (visit.visited_on, visit.hours) == (TODAY, hours)
    assert (visit.logged_by, visit.logged_by_role) == ("s-1", "supporter")
    assert case.total_hours == hours


@pytest.mark.parametrize("hours", [0, -1, 12.01, 24, float("nan")])
def test_impossible_hours_are_refused(hours):
    case = case_in(OPEN)
    with pytest.raises(Invalid) as refused:
        log(case, hours=hours)
    assert "hours" in refused.value.errors
    assert case.visits == []


def test_the_day_the_case_opened_and_today_are_fine():
    case = case_in(OPEN)
    log(case, on=OPENED_ON)
    log(case, on=TODAY)
    assert case.total_hours == 8


def test_a_visit_before_the_case_opened_is_refused():
    case = case_in(OPEN)
    with pytest.raises(Invalid) as refused:
        log(case, on=OPENED_ON - timedelta(days=1))
    assert refused.value.errors == {"date": ["must not be before 2026-01-05"]}


def test_a_visit_in_the_future_is_refused_allowing_for_the_dutch_day():
    case = case_in(OPEN)
    log(case, on=TODAY + timedelta(days=1))  # already tomorrow in Amsterdam, not in UTC
    with pytest.raises(Invalid) as refused:
        log(case, on=TODAY + timedelta(days=2))
    assert refused.value.errors == {"date": ["must not be in the future"]}
    assert len(case.visits) == 1


def test_total_hours_add_up():
    case = case_in(OPEN)
    for hours in (4, 3.5, 4.25):
        log(case, hours=hours)
    assert case.total_hours == 11.75


def immediate_concern(case, concern_id="x-1"):
    return case.record_safety_concern(concern_id, "threat at home", True, BY_SUPPORTER, AT)


@pytest.mark.parametrize("status,step", [
    (OPEN, lambda case: case.close("done", True, AT)),
    (CLOSING, lambda case: case.hand_over("municipality", "Gemeente Utrecht", "s", AT)),
])
def test_an_open_immediate_concern_blocks_closing_and_handover(status, step):
    case = case_in(status)
    immediate_concern(case)
    with pytest.raises(NotAllowed, match="immediate safety"):
        step(case)
    assert case.status == status
    case.resolve_safety_concern("x-1", "moved to a safe address", AT)
    step(case)
    assert case.status != status


def test_a_concern_that_is_not_immediate_does_not_block_closing():
    case = case_in(OPEN)
    case.record_safety_concern("x-1", "tension about money", False, BY_SUPPORTER, AT)
    case.close("done", True, AT)
    assert case.status == CLOSING and case.open_immediate_concerns() == []


def test_every_immediate_concern_must_be_resolved():
    case = case_in(OPEN)
    immediate_concern(case, "x-1")
    immediate_concern(case, "x-2")
    case.resolve_safety_concern("x-1", None, AT)
    with pytest.raises(NotAllowed):
        case.close("done", True, AT)
    case.resolve_safety_concern("x-2", None, AT)
    case.close("done", True, AT)


def test_resolving_is_done_once_and_only_for_known_concerns():
    case = case_in(OPEN)
    immediate_concern(case)
    case.resolve_safety_concern("x-1", "safe now", AT)
    assert (case.concerns[0].resolved_at, case.concerns[0].resolution) == (AT, "safe now")
    with pytest.raises(NotAllowed):
        case.resolve_safety_concern("x-1", "again", AT)
    with pytest.raises(NotFound):
        case.resolve_safety_concern("x-9", None, AT)
    assert case.concerns[0].resolution == "safe now"


def test_a_concern_raised_while_closing_blocks_the_handover():
    case = case_in(CLOSING)
    immediate_concern(case)
    with pytest.raises(NotAllowed):
        case.hand_over("municipality", "Gemeente Utrecht", "s", AT)
    assert case.status == CLOSING
    with pytest.raises(NotAllowed):  # and nothing more once handed over
        case_in(HANDED_OVER).record_safety_concern("x", "d", True, BY_COORDINATOR, AT)


def test_a_concern_names_the_person_who_recorded_it_and_their_role():
    concern = case_in(OPEN).record_safety_concern("x-1", "a worry", False, BY_COORDINATOR, AT)
    assert (concern.recorded_by, concern.recorded_by_role) == ("anna-de-boer", "coordinator")
