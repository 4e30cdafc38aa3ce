"""Which contacts are due and which are overdue on a given day (the timer's rule)."""
from datetime import date

from services.aftercare.domain import AftercarePlan
from services.aftercare.schedule import GRACE_DAYS

START = date(2026, 1, 5)  # high: contacts on 19 Jan, 2 Feb, 16 Feb, …


def high_plan():
    return AftercarePlan.start("a-1", "r-1", "c-1", "high", "municipality", "Utrecht", START)


def numbers(contacts):
    return [c.number for c in contacts]


def test_nothing_is_due_before_the_first_contact():
    plan = high_plan()
    assert plan.contacts_due(date(2026, 1, 18)) == []
    assert plan.overdue(date(2026, 1, 18)) == []


def test_due_on_its_day_but_overdue_only_after_the_grace_days():
    plan = high_plan()
    assert GRACE_DAYS == 3
    assert numbers(plan.contacts_due(date(2026, 1, 19))) == [1]
    assert plan.overdue(date(2026, 1, 22)) == []  # due plus three days: still in grace
    assert numbers(plan.overdue(date(2026, 1, 23))) == [1]


def test_every_contact_past_its_grace_is_overdue():
    plan = high_plan()
    assert numbers(plan.overdue(date(2026, 2, 20))) == [1, 2, 3]
    assert numbers(plan.contacts_due(date(2026, 2, 20))) == [1, 2, 3]
    assert len(plan.overdue(date(2027, 1, 1))) == 13


def test_a_done_contact_is_neither_due_nor_overdue():
    plan = high_plan()
    plan.log_contact(date(2026, 1, 20), "called", today=date(2026, 1, 20))
    assert numbers(plan.contacts_due(date(2026, 2, 20))) == [2, 3]
    assert numbers(plan.overdue(date(2026, 2, 20))) == [2, 3]


def test_a_plan_that_is_no_longer_active_has_nothing_due():
    for end in ("complete", "report_relapse"):
        plan = high_plan()
        getattr(plan, end)("ended")
        assert plan.contacts_due(date(2027, 1, 1)) == []
        assert plan.overdue(date(2027, 1, 1)) == []
    plan = high_plan()
    plan.withdraw()
    assert plan.overdue(date(2027, 1, 1)) == []


def test_an_extra_contact_is_never_overdue():
    plan = AftercarePlan.start("a-1", "r-1", "c-1", "low", "municipality", "Utrecht", START)
    plan.log_contact(date(2026, 1, 10), "early call", today=date(2026, 1, 10))
    plan.log_contact(date(2026, 1, 12), "extra", today=date(2026, 1, 12))
    assert [c.due_on for c in plan.contacts] == [date(2026, 2, 16), None]
    assert plan.overdue(date(2027, 1, 1)) == []
