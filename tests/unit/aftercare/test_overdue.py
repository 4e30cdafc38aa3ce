"""Which contacts are due and which are overdue on a given day (the timer's rule).

The rule runs as one conditional UPDATE (Plans.mark_overdue), so it is held to it here, against
a throw-away SQLite file: plans made by the domain are stored, the timer runs on a chosen day,
and the flags are read back. Flags only ever go on, so a test may run the timer on later and
later days and look at what each day added.
"""
from datetime import date

import pytest

from kring.kit.db import UnitOfWork, make_engine
from services.aftercare.domain import AftercarePlan
from services.aftercare.models import Plans, metadata
from services.aftercare.outgoing import outgoing
from services.aftercare.schedule import GRACE_DAYS

START = date(2026, 1, 5)  # high: contacts on 19 Jan, 2 Feb, 16 Feb, …


@pytest.fixture
def uow(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/aftercare.db")
    metadata.create_all(engine)
    yield UnitOfWork.on(engine, metadata, outgoing)
    engine.dispose()


def high_plan(case_id="c-1"):
    return AftercarePlan.start(f"a-{case_id}", "r-1", case_id, "high", "municipality",
                               "Utrecht", START, "home-start-oost")


def stored(uow, plan):
    with uow:
        Plans(uow).add(plan)
    return plan.aftercare_id


def mark_overdue(uow, today):
    """One tick of the timer on `today`: how many contacts it newly flagged."""
    with uow:
        return Plans(uow).mark_overdue(today)


def contacts(uow, aftercare_id):
    """(number, due_on, done_on, overdue) of each stored contact, by number."""
    with uow:
        plan = Plans(uow).get(aftercare_id)
    return sorted((c.number, c.due_on, c.done_on, c.overdue) for c in plan.contacts)


def flagged(uow, aftercare_id):
    return [number for number, _, _, overdue in contacts(uow, aftercare_id) if overdue]


def open_and_due(uow, aftercare_id, today):
    """The coordinator's to-do list on `today`: open scheduled contacts whose day has come."""
    return [number for number, due_on, done_on, _ in contacts(uow, aftercare_id)
            if due_on is not None and due_on <= today and done_on is None]


def test_nothing_is_due_before_the_first_contact(uow):
    plan = stored(uow, high_plan())
    assert open_and_due(uow, plan, date(2026, 1, 18)) == []
    assert mark_overdue(uow, date(2026, 1, 18)) == 0
    assert flagged(uow, plan) == []


def test_due_on_its_day_but_overdue_only_after_the_grace_days(uow):
    plan = stored(uow, high_plan())
    assert GRACE_DAYS == 3
    assert open_and_due(uow, plan, date(2026, 1, 19)) == [1]
    assert mark_overdue(uow, date(2026, 1, 19)) == 0
    assert mark_overdue(uow, date(2026, 1, 22)) == 0  # due plus three days: still in grace
    assert flagged(uow, plan) == []
    assert mark_overdue(uow, date(2026, 1, 23)) == 1  # the first day past the cutoff
    assert flagged(uow, plan) == [1]


def test_every_contact_past_its_grace_is_overdue(uow):
    plan = stored(uow, high_plan())
    assert mark_overdue(uow, date(2026, 2, 20)) == 3
    assert flagged(uow, plan) == [1, 2, 3]
    assert open_and_due(uow, plan, date(2026, 2, 20)) == [1, 2, 3]
    assert mark_overdue(uow, date(2027, 1, 1)) == 10
    assert len(flagged(uow, plan)) == 13


def test_a_done_contact_is_neither_due_nor_overdue(uow):
    plan = high_plan()
    plan.log_contact(date(2026, 1, 20), "called", today=date(2026, 1, 20))
    plan = stored(uow, plan)
    assert open_and_due(uow, plan, date(2026, 2, 20)) == [2, 3]
    assert mark_overdue(uow, date(2026, 2, 20)) == 2
    assert flagged(uow, plan) == [2, 3]


@pytest.mark.parametrize("end", [lambda plan: plan.complete("ended"),
                                 lambda plan: plan.report_relapse("ended"),
                                 lambda plan: plan.withdraw()],
                         ids=["completed", "relapsed", "withdrawn"])
def test_a_plan_that_is_no_longer_active_has_nothing_due(uow, end):
    ended, running = high_plan("c-1"), high_plan("c-2")
    end(ended)
    ended, running = stored(uow, ended), stored(uow, running)
    assert mark_overdue(uow, date(2027, 1, 1)) == 13  # the running plan's, and only those
    assert flagged(uow, ended) == []
    assert len(flagged(uow, running)) == 13


def test_an_extra_contact_is_never_overdue(uow):
    plan = AftercarePlan.start("a-1", "r-1", "c-1", "low", "municipality", "Utrecht", START,
                               "home-start-oost")
    plan.log_contact(date(2026, 1, 10), "early call", today=date(2026, 1, 10))
    plan.log_contact(date(2026, 1, 12), "extra", today=date(2026, 1, 12))
    plan = stored(uow, plan)
    assert [due_on for _, due_on, _, _ in contacts(uow, plan)] == [date(2026, 2, 16), None]
    assert mark_overdue(uow, date(2027, 1, 1)) == 0
    assert flagged(uow, plan) == []


def test_the_figure_for_metrics_counts_overdue_contacts_before_the_timer_flags_them(uow):
    stored(uow, high_plan("c-1"))
    stored(uow, high_plan("c-2"))
    with uow:
        assert Plans(uow).count_overdue(date(2026, 1, 22)) == 0  # still in grace
        assert Plans(uow).count_overdue(date(2026, 1, 23)) == 2  # one contact of each plan
    assert flagged(uow, "a-c-1") == []  # counting flags nothing
