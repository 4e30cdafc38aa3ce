"""The use cases against a throw-away SQLite file (no broker): storage, inbox, outbox."""
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from kring.contracts.events import make_event
from kring.contracts.topology import SUBSCRIPTIONS
from kring.errors import NotAllowed, NotFound
from services.casework import handlers
from services.casework.models import CaseRow
from tests.support.databases import outbox
from tests.support.unit.access import call, caller

MATCHED_AT = "2026-01-05T09:30:00.000000Z"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
ORG = "home-start-oost"
# the entrypoint that consumes each source's events: its name is the inbox key
ENTRYPOINTS = {source: handler for service, handler, source, _ in SUBSCRIPTIONS
               if service == "casework"}


def match_made(referral_id="r-1"):
    event = make_event("matching", "match_made", referral_id, proposal_id="p-1",
                       supporter_id="s-1", supporter_kind="volunteer", severity="high",
                       coordinator_org="home-start-oost", programme="home-start")
    return replace(event, occurred_at=MATCHED_AT)


def withdrawn(referral_id="r-1"):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family")


def react(uow, event):
    """What casework's entrypoint for the event's source does with it."""
    uow.inbox_key = ENTRYPOINTS[event.source]
    handlers.react(uow, event, NOW)


def coordinator(operation_id):
    return caller(operation_id, ORG, "coordinator", "anna-de-boer")


def supporter(operation_id, supporter_id="s-1"):
    return caller(operation_id, ORG, "supporter", supporter_id)


def shown(uow, case_id, who=None):
    """The case as getCase shows it to `who` (a coordinator of its organisation)."""
    return call(uow, handlers.get_case, who or coordinator("getCase"), case_id)


def cases(uow):
    with uow:
        return uow.session.scalar(select(func.count()).select_from(CaseRow))


def opened(uow):
    react(uow, match_made())
    return outbox(uow)[-1]["data"]["case_id"]


def test_a_match_opens_one_case_however_often_it_comes(uow):
    event = match_made()
    for _ in range(2):
        react(uow, event)
    react(uow, match_made())  # re-sent: a new event_id
    assert cases(uow) == 1
    [started] = outbox(uow)
    assert (started["type"], started["referral_id"]) == ("case_started", "r-1")
    case = shown(uow, started["data"]["case_id"])
    assert started["data"] == {"case_id": case["case_id"], "supporter_id": "s-1",
                               "severity": "high", "coordinator_org": "home-start-oost"}
    assert (case["status"], case["opened_at"]) == ("open", event.occurred_at)


def test_a_withdrawal_that_overtook_the_match_opens_no_case(uow):
    react(uow, withdrawn())
    react(uow, match_made())
    assert (cases(uow), outbox(uow)) == (0, [])


def test_a_withdrawal_ends_the_case_silently(uow):
    case_id = opened(uow)
    react(uow, withdrawn())
    react(uow, withdrawn())  # again: nothing to stop
    assert shown(uow, case_id)["status"] == "withdrawn"
    assert [m["type"] for m in outbox(uow)] == ["case_started"]
    with pytest.raises(NotAllowed):
        call(uow, handlers.log_visit, coordinator("logVisit"), case_id,
             {"date": date(2026, 3, 2), "hours": 4, "notes": None}, NOW)


def test_the_whole_round_is_stored_and_announced(uow):
    case_id = opened(uow)
    call(uow, handlers.log_visit, supporter("logVisit"), case_id,
         {"date": date(2026, 3, 2), "hours": 3.5, "notes": "park"}, NOW)
    concern = call(uow, handlers.record_safety_concern, supporter("recordSafetyConcern"),
                   case_id, {"description": "a threat", "immediate": True},
                   NOW)["safety_concerns"][0]
    assert (concern["recorded_by"], concern["recorded_by_role"]) == ("s-1", "supporter")
    call(uow, handlers.resolve_safety_concern, coordinator("resolveSafetyConcern"), case_id,
         concern["concern_id"], "safe", NOW)
    call(uow, handlers.close_case, coordinator("closeCase"), case_id, "managing well", True,
         NOW)
    call(uow, handlers.hand_over_case, coordinator("handOverCase"), case_id,
         {"kind": "municipality", "name": "Utrecht"}, "s", NOW)
    case = shown(uow, case_id)
    assert (case["status"], case["total_hours"]) == ("handed_over", 3.5)
    assert case["safety_concerns"][0]["resolution"] == "safe"
    relapse = make_event("aftercare", "relapse_reported", "r-1", aftercare_id="a-1",
                         case_id=case_id)
    react(uow, relapse)
    react(uow, relapse)  # redelivered: reopened once
    case = shown(uow, case_id, supporter("getCase"))  # open again: the supporter's again
    assert (case["status"], case["visits"][0]["notes"]) == ("open", "park")
    assert (case["visits"][0]["logged_by"], case["visits"][0]["logged_by_role"]) == (
        "s-1", "supporter")
    assert case["past_rounds"][0]["handover"]["receiving_name"] == "Utrecht"
    messages = [(m["type"], m["data"]) for m in outbox(uow)]
    assert [t for t, _ in messages] == ["case_started", "safety_concern_recorded", "case_closed",
                                        "case_handed_over", "case_reopened"]
    assert messages[1][1] == {"case_id": case_id, "immediate": True}  # no description
    assert messages[3][1] == {"case_id": case_id, "supporter_id": "s-1", "severity": "high",
                              "receiving_kind": "municipality", "receiving_name": "Utrecht",
                              "coordinator_org": "home-start-oost", "programme": "home-start",
                              "support_figures": []}
    assert messages[4][1] == {"case_id": case_id, "supporter_id": "s-1"}


def test_a_relapse_on_a_case_not_handed_over_changes_nothing(uow):
    case_id = opened(uow)
    for target in (case_id, "no-such-case"):
        react(uow, make_event("aftercare", "relapse_reported", "r-1", aftercare_id="a-1",
                              case_id=target))
    assert shown(uow, case_id)["status"] == "open"
    assert [m["type"] for m in outbox(uow)] == ["case_started"]


def test_an_unknown_case(uow):
    opened(uow)
    with pytest.raises(NotFound, match="no case no-such-case"):
        shown(uow, "no-such-case")


def test_a_case_closes_with_one_of_its_programmes_closure_reasons(uow):
    """The reasons are the programme's (kring/programmes): the default programme, home-start,
    for a case whose match named none."""
    case_id = opened(uow)
    with pytest.raises(Exception) as refused:
        call(uow, handlers.close_case, coordinator("closeCase"), case_id, "moved", False, NOW,
             "moved_to_the_moon")
    assert "goals_met" in str(refused.value.errors["reason"])
    assert shown(uow, case_id)["status"] == "open"  # nothing changed
    closed = call(uow, handlers.close_case, coordinator("closeCase"), case_id, "moved", False,
                  NOW, "family_stopped")
    assert (closed["status"], closed["evaluation"]["reason"]) == ("closing", "family_stopped")
