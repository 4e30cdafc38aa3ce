"""The agreed contacts per severity: how many, on which days, and when aftercare ends."""
from datetime import date, timedelta

import pytest

from services.aftercare.domain import AftercarePlan
from services.aftercare.events import AftercareStarted
from services.aftercare.schedule import SCHEDULES, Schedule, after, schedules


def plan(severity, started_on):
    return AftercarePlan.start("a-1", "r-1", "c-1", severity, "municipality", "Gemeente Utrecht",
                               started_on, "home-start-oost")


def due_dates(severity, started_on):
    return [c.due_on for c in plan(severity, started_on).contacts]


def test_high_every_two_weeks_for_six_months():
    start = date(2026, 1, 5)
    due = due_dates("high", start)
    assert len(due) == 13
    assert due == [start + timedelta(days=14 * k) for k in range(1, 14)]
    assert plan("high", start).ends_on == date(2026, 7, 6) == start + timedelta(weeks=26)


def test_medium_monthly_for_three_months():
    assert due_dates("medium", date(2026, 11, 15)) == [
        date(2026, 12, 15), date(2027, 1, 15), date(2027, 2, 15)]
    assert plan("medium", date(2026, 11, 15)).ends_on == date(2027, 2, 15)


def test_medium_from_the_end_of_a_month_keeps_to_month_ends_without_drift():
    assert due_dates("medium", date(2026, 1, 31)) == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert due_dates("medium", date(2027, 12, 31))[1] == date(2028, 2, 29)  # leap year


def test_low_one_contact_after_six_weeks():
    start = date(2026, 3, 2)
    assert due_dates("low", start) == [date(2026, 4, 13)]
    assert plan("low", start).ends_on == date(2026, 4, 13)


@pytest.mark.parametrize("severity,count", [("high", 13), ("medium", 3), ("low", 1)])
def test_a_new_plan_is_active_numbered_open_and_announced(severity, count):
    started = plan(severity, date(2026, 5, 1))
    assert started.status == "active"
    assert [c.number for c in started.contacts] == list(range(1, count + 1))
    assert all(c.done_on is None and not c.overdue for c in started.contacts)
    assert started.events == [AftercareStarted(started.ends_on)]
    assert started.ends_on == started.contacts[-1].due_on


def test_every_severity_of_the_contract_has_a_schedule():
    from kring.contracts.events import SEVERITIES
    assert set(SCHEDULES) == set(SEVERITIES)


def test_month_arithmetic_crosses_years():
    assert after(date(2026, 12, 10), 1, "months") == date(2027, 1, 10)
    assert after(date(2026, 12, 10), 14, "months") == date(2028, 2, 10)
    assert after(date(2026, 12, 10), 2, "weeks") == date(2026, 12, 24)


def test_home_start_keeps_the_table_it_always_had():
    expected = {"high": Schedule(13, 2, "weeks"), "medium": Schedule(3, 1, "months"),
                "low": Schedule(1, 6, "weeks")}
    assert schedules("home-start") == SCHEDULES == expected
    assert schedules(None) == schedules("knitting-club") == expected  # the default programme


def test_each_programme_plans_from_its_own_table():
    start = date(2026, 1, 5)
    table = schedules("family-trajectory")
    assert table["high"] == Schedule(6, 1, "months")
    made = AftercarePlan.start("a-1", "r-1", "c-1", "high", "municipality", "Gemeente Utrecht",
                               start, "jeugdteam", schedules=table)
    assert [c.due_on for c in made.contacts] == [date(2026, m, 5) for m in range(2, 8)]
    assert made.ends_on == date(2026, 7, 5)
