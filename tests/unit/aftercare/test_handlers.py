"""The use cases against a throw-away SQLite file (no broker): storage, inbox, outbox, overdue.

The overdue check runs as one SQL UPDATE; test_overdue holds it to the rule day by day, these
tests to the plans the use cases leave behind.
"""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from kring.contracts.events import make_event
from kring.kit.db import UnitOfWork, make_engine
from services.aftercare import handlers
from services.aftercare.models import PlanRow, metadata
from services.aftercare.outgoing import outgoing
from tests.support.databases import outbox
from tests.support.unit.access import call, caller

HANDED_OVER_ON = "2026-01-05T09:30:00.000000Z"
NOW = datetime(2026, 1, 5, 9, 31, tzinfo=timezone.utc)  # when the events arrive
ORG = "home-start-oost"


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/aftercare.db")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine):
    """A unit of work as the entrypoint for casework's events (on_casework) gets one."""
    return UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_casework")


def handed_over(case_id="c-1", severity="high", referral_id="r-1", **more):
    event = make_event("casework", "case_handed_over", referral_id, case_id=case_id,
                       supporter_id="s-1", receiving_kind="municipality",
                       receiving_name="Gemeente Utrecht", severity=severity,
                       coordinator_org=ORG, **more)
    return replace(event, occurred_at=HANDED_OVER_ON)


def coordinator(operation_id):
    return caller(operation_id, ORG, "coordinator", "anna-de-boer")


def plan_view(uow, aftercare_id):
    return call(uow, handlers.get_aftercare, coordinator("getAftercare"), aftercare_id)


def log_contact(uow, aftercare_id, on, notes, today):
    return call(uow, handlers.log_contact, coordinator("logAftercareContact"), aftercare_id,
                on, notes, today)


def report_relapse(uow, aftercare_id, notes):
    return call(uow, handlers.report_relapse, coordinator("reportRelapse"), aftercare_id, notes)


def complete(uow, aftercare_id, notes):
    return call(uow, handlers.complete_aftercare, coordinator("completeAftercare"),
                aftercare_id, notes)


def plan_ids(uow):
    with uow:
        return uow.session.execute(select(PlanRow.id)).scalars().all()


@pytest.mark.parametrize("programme,contacts,ends_on", [
    (None, 13, "2026-07-06"),  # a handover from before events named it: Home-Start's table
    ("home-start", 13, "2026-07-06"),
    ("family-trajectory", 6, "2026-07-05"),  # monthly for six months
])
def test_the_plan_follows_the_table_of_the_cases_programme(uow, programme, contacts, ends_on):
    handlers.react(uow, handed_over(**({"programme": programme} if programme else {})), NOW)
    [aftercare_id] = plan_ids(uow)
    shown = plan_view(uow, aftercare_id)
    assert (len(shown["contacts"]), shown["ends_on"]) == (contacts, ends_on)


def test_a_handover_starts_one_plan_however_often_it_is_delivered(uow):
    event = handed_over()
    for _ in range(3):
        handlers.react(uow, event, NOW)
    [aftercare_id] = plan_ids(uow)
    [started] = outbox(uow)
    assert (started["type"], started["referral_id"]) == ("aftercare_started", "r-1")
    assert started["data"] == {"aftercare_id": aftercare_id, "ends_on": "2026-07-06"}
    shown = plan_view(uow, aftercare_id)
    assert (shown["started_on"], shown["ends_on"], len(shown["contacts"])) == (
        "2026-01-05", "2026-07-06", 13)


def test_a_second_handover_of_a_running_plan_changes_nothing(uow):
    handlers.react(uow, handed_over(), NOW)
    handlers.react(uow, handed_over(severity="low"), NOW)
    [aftercare_id] = plan_ids(uow)
    assert plan_view(uow, aftercare_id)["severity"] == "high"
    assert len(outbox(uow)) == 1


def test_a_withdrawal_that_overtakes_the_handover_prevents_the_plan(engine, uow):
    withdrawn = make_event("referral", "referral_withdrawn", "r-1", by_role="family")
    on_referral = UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_referral")
    handlers.react(on_referral, withdrawn, NOW)
    handlers.react(uow, handed_over(), NOW)
    assert plan_ids(uow) == [] and outbox(uow) == []


def test_overdue_marking_follows_the_rule_and_happens_once(uow):
    handlers.react(uow, handed_over(case_id="c-1", referral_id="r-1"), NOW)
    handlers.react(uow, handed_over(case_id="c-2", referral_id="r-2"), NOW)
    first, second = plan_ids(uow)
    log_contact(uow, first, date(2026, 1, 19), "called", date(2026, 1, 19))
    complete(uow, second, None)
    today = date(2026, 2, 20)  # contacts of 19 Jan, 2 Feb, 16 Feb are past their grace
    assert handlers.mark_overdue_contacts(uow, today) == 2  # the completed plan is left alone
    assert handlers.mark_overdue_contacts(uow, today) == 0
    flags = [(c["due_on"], c["overdue"]) for c in plan_view(uow, first)["contacts"][:4]]
    assert flags == [("2026-01-19", False), ("2026-02-02", True), ("2026-02-16", True),
                     ("2026-03-02", False)]
    assert not any(c["overdue"] for c in plan_view(uow, second)["contacts"])


def test_logging_a_contact_keeps_the_overdue_flag_the_timer_set(uow):
    handlers.react(uow, handed_over(severity="low"), NOW)
    [aftercare_id] = plan_ids(uow)  # low: one contact on 16 Feb
    assert handlers.mark_overdue_contacts(uow, date(2026, 3, 1)) == 1
    shown = log_contact(uow, aftercare_id, date(2026, 3, 1), "late call", date(2026, 3, 1))
    assert shown["contacts"] == [{"due_on": "2026-02-16", "done_on": "2026-03-01",
                                  "overdue": True, "notes": "late call",
                                  "support_figure_id": None}]


def test_a_relapse_and_a_new_handover_reuse_the_plan(uow):
    handlers.react(uow, handed_over(severity="medium"), NOW)
    [aftercare_id] = plan_ids(uow)
    handlers.mark_overdue_contacts(uow, date(2026, 3, 20))  # 5 Feb and 5 Mar flagged
    report_relapse(uow, aftercare_id, "slid back")
    again = replace(handed_over(severity="low"), occurred_at="2026-06-01T10:00:00.000000Z")
    handlers.react(uow, again, NOW)
    shown = plan_view(uow, aftercare_id)
    assert (shown["status"], shown["ends_on"]) == ("active", "2026-07-13")
    assert shown["contacts"] == [{"due_on": "2026-07-13", "done_on": None, "overdue": False,
                                  "notes": None, "support_figure_id": None}]
    types = [message["type"] for message in outbox(uow)]
    assert types == ["aftercare_started", "relapse_reported", "aftercare_started"]
    with uow:
        assert uow.session.scalar(select(func.count()).select_from(PlanRow)) == 1


def test_the_first_handover_redelivered_after_a_relapse_does_not_restart_the_plan(uow):
    event = handed_over()
    handlers.react(uow, event, NOW)
    [aftercare_id] = plan_ids(uow)
    report_relapse(uow, aftercare_id, "slid back")
    handlers.react(uow, event, NOW)  # the broker's second copy, late
    assert plan_view(uow, aftercare_id)["status"] == "relapsed"
