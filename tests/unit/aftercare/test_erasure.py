"""Erasure in aftercare (docs/contract.md §7): the notes and the receiving party's name go;
dates, the schedule and the status stay; nothing about an erased referral starts a plan."""
from dataclasses import replace
from datetime import date, datetime, timezone

from kring.contracts.events import make_event
from services.aftercare import handlers
from services.aftercare.domain import COMPLETED, WITHDRAWN, AftercarePlan
from tests.support.databases import outbox

NOW = datetime(2026, 1, 5, 9, 31, tzinfo=timezone.utc)


def plan():
    made = AftercarePlan.start("a-1", "r-1", "c-1", "medium", "municipality",
                               "Gemeente Utrecht", date(2026, 1, 5), "home-start-oost")
    made.log_contact(date(2026, 1, 20), "called the family", date(2026, 2, 1))
    return made


def test_the_notes_and_the_receiving_name_go_the_dates_stay():
    running, done = plan(), plan()
    done.complete("the last contact went well")
    for erased in (running, done):
        erased.erase()
        assert erased.end_notes is None and erased.receiving_name == ""
        assert [c.notes for c in erased.contacts if c.notes] == []
        assert [c.done_on for c in erased.contacts if c.done_on] == [date(2026, 1, 20)]
    assert (running.status, done.status) == (WITHDRAWN, COMPLETED)


def test_a_handover_of_an_erased_referral_starts_no_plan(uow):
    uow.inbox_key = "on_referral"
    handlers.react(uow, make_event("referral", "referral_erased", "r-1",
                                   erased_at="2026-01-05T09:00:00Z"), NOW)
    assert [m["type"] for m in outbox(uow)] == ["erasure_done"]
    handover = make_event("casework", "case_handed_over", "r-1", case_id="c-1",
                          supporter_id="s-1", receiving_kind="municipality",
                          receiving_name="Gemeente Utrecht", severity="high",
                          coordinator_org="home-start-oost")
    uow.inbox_key, uow.event_referral = "on_casework", "r-1"
    handlers.react(uow, replace(handover, occurred_at="2026-01-05T09:30:00.000000Z"), NOW)
    assert handlers.export_of(uow, "r-1")["plans"] == []
