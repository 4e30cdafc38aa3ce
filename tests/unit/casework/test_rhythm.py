"""Intensity over time (services/casework/rhythm.py, views.over_time) with a fixed clock: the
visits against the programme's rhythm, intensity changes with reasons, and the flags the
coordinator works from."""
from datetime import date, timedelta

import pytest

from kring import programmes
from kring.errors import Invalid, NotAllowed
from services.casework import rhythm
from services.casework.domain import CLOSING, OPEN
from services.casework.views import view
from tests.support.unit.casework import (AT, BY_COORDINATOR, BY_SUPPORTER, OPENED_ON, case_in,
                                         plan)

HOME_START = programmes.current().of("home-start")  # weekly, a half-day; check-in every 6 weeks
WEEKLY_HALF_DAY = {"every": "weekly", "visit": "half_day"}


def visited(case, *days, hours=4):
    for number, day in enumerate(days):
        case.log_visit(f"v-{day}-{number}", day, hours, None, BY_SUPPORTER, AT, day)
    return case


def weekly_from(start, weeks):
    return [start + timedelta(weeks=n) for n in range(weeks)]


def test_the_programme_sets_what_is_expected_until_an_intensity_change_does():
    assert rhythm.expected(WEEKLY_HALF_DAY, []) == {
        "visits_per_week": 1.0, "hours_per_week": 4.0, "source": "programme"}
    assert rhythm.expected({"every": "fortnightly", "visit": "hour"}, [])["visits_per_week"] \
        == 0.5
    changes = [{"level": "light", "visits_per_week": 0.5, "hours_per_week": None},
               {"level": "high", "visits_per_week": None, "hours_per_week": 8}]
    assert rhythm.expected(WEEKLY_HALF_DAY, changes) == {
        "visits_per_week": 0.5, "hours_per_week": 8, "source": "intensity_change"}


def test_recent_weeks_count_visits_and_hours_from_monday_this_week_last():
    case = visited(case_in(OPEN), date(2026, 2, 23), date(2026, 2, 25), date(2026, 3, 2))
    weeks = rhythm.recent_weeks(case.visits, date(2026, 3, 3))  # a Tuesday
    assert [w["week_of"] for w in weeks][-2:] == ["2026-02-23", "2026-03-02"]
    assert [(w["visits"], w["hours"]) for w in weeks] == [(0, 0.0)] * 4 + [(2, 8.0), (1, 4.0)]


@pytest.mark.parametrize("days,today,below", [
    (weekly_from(date(2026, 2, 2), 4), date(2026, 2, 27), False),  # a visit every week
    (weekly_from(date(2026, 2, 2), 3), date(2026, 2, 27), True),   # one week missed
    ([], date(2026, 1, 30), False),  # opened on 5 January: too young to judge
    ([], date(2026, 2, 3), True),
])
def test_below_rhythm_looks_at_the_last_four_weeks(days, today, below):
    case = visited(case_in(OPEN), *days)
    assert rhythm.below_rhythm(case.visits, 1.0, OPENED_ON, today) is below


def test_a_lighter_intensity_expects_fewer_visits():
    case = visited(case_in(OPEN), date(2026, 2, 9), date(2026, 2, 23))
    today = date(2026, 2, 27)
    assert view(case, today)["below_rhythm"] is True
    case.change_intensity({"level": "light", "visits_per_week": 0.5, "reason": "things calm"},
                          BY_COORDINATOR, AT)
    shown = view(case, today)
    assert shown["below_rhythm"] is False
    assert shown["intensity"]["expected"]["visits_per_week"] == 0.5
    assert shown["intensity"]["changes"] == [{
        "level": "light", "visits_per_week": 0.5, "hours_per_week": None,
        "reason": "things calm", "by": "anna-de-boer", "by_role": "coordinator", "at": AT}]


def test_an_intensity_change_moves_the_plans_level_and_says_what_changes():
    case = case_in(OPEN)
    case.set_plan(plan(intensity="high"), BY_SUPPORTER, AT)
    case.change_intensity({"level": "regular", "reason": "school started"}, BY_SUPPORTER, AT)
    assert case.plan["intensity"] == "regular"
    with pytest.raises(Invalid):
        case.change_intensity({"reason": "nothing said"}, BY_SUPPORTER, AT)
    with pytest.raises(NotAllowed):
        case_in(CLOSING).change_intensity({"level": "light", "reason": "x"}, BY_SUPPORTER, AT)


def test_the_check_in_is_due_every_six_weeks_from_the_last_one():
    case = case_in(OPEN)  # opened Monday 5 January 2026
    assert view(case, date(2026, 2, 16))["next_check_in_on"] == "2026-02-16"
    assert view(case, date(2026, 2, 16))["check_in_overdue"] is False
    assert view(case, date(2026, 2, 17))["check_in_overdue"] is True
    case.record_check_in(date(2026, 2, 17), "all well", BY_COORDINATOR, AT, date(2026, 2, 17))
    shown = view(case, date(2026, 2, 17))
    assert (shown["check_in_overdue"], shown["next_check_in_on"]) == (False, "2026-03-31")
    assert shown["check_ins"] == [{"date": "2026-02-17", "notes": "all well",
                                   "by": "anna-de-boer", "by_role": "coordinator", "at": AT}]


def test_evaluation_moments_come_from_the_programme_each_held_once():
    case = case_in(OPEN)
    first, second = (OPENED_ON + timedelta(weeks=w) for w in HOME_START.evaluation_weeks[:2])
    assert view(case, first)["evaluation_overdue"] is False
    assert view(case, first + timedelta(days=1))["evaluation_overdue"] is True
    case.record_evaluation(first, None, BY_COORDINATOR, AT, first)
    shown = view(case, first + timedelta(days=1))
    assert (shown["evaluation_overdue"], shown["next_evaluation_on"]) == (
        False, second.isoformat())


def test_the_flags_are_for_open_cases_only_and_days_are_checked():
    case = case_in(CLOSING)
    shown = view(case, date(2027, 1, 1))
    assert (shown["check_in_overdue"], shown["evaluation_overdue"], shown["below_rhythm"],
            shown["next_check_in_on"]) == (False, False, False, None)
    with pytest.raises(Invalid):
        case_in(OPEN).record_check_in(date(2025, 12, 1), None, BY_COORDINATOR, AT,
                                      date(2026, 3, 2))
    with pytest.raises(NotAllowed):
        case.record_evaluation(date(2026, 3, 2), None, BY_COORDINATOR, AT, date(2026, 3, 2))


def test_erasure_keeps_the_figures_and_drops_the_words():
    case = case_in(OPEN)
    case.change_intensity({"level": "light", "reason": "mother works again"}, BY_SUPPORTER, AT)
    case.record_check_in(date(2026, 3, 2), "talked about debts", BY_COORDINATOR, AT,
                         date(2026, 3, 2))
    case.record_evaluation(date(2026, 3, 2), "goals half met", BY_COORDINATOR, AT,
                           date(2026, 3, 2))
    case.erase(AT)
    assert [c["reason"] for c in case.intensity_changes] == [None]
    assert [c["level"] for c in case.intensity_changes] == ["light"]
    assert [m["notes"] for m in case.check_ins + case.interim_evaluations] == [None, None]
