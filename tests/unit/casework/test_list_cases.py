"""listCases: the cases still worked on, a safety concern not resolved first, then the longest
open; a coordinator's those of its organisation, a supporter's its own; each one listed is in
its audit trail; the flags as getCase computes them."""
from dataclasses import replace
from datetime import datetime, timezone

from kring.contracts.events import make_event
from services.casework import handlers
from services.casework.models import Cases
from tests.support.databases import audit_records
from tests.support.unit.access import call, caller

ORG, OTHER_ORG = "home-start-oost", "home-start-west"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)


def match_made(referral_id, day, supporter_id="s-1", org=ORG):
    event = make_event("matching", "match_made", referral_id, proposal_id=f"p-{referral_id}",
                       supporter_id=supporter_id, supporter_kind="volunteer", severity="high",
                       coordinator_org=org, programme="home-start")
    return replace(event, occurred_at=f"2026-01-{day:02}T09:30:00.000000Z")


def opened(uow, referral_id, day, **more):
    uow.inbox_key = "on_matching"  # the entrypoint of matching's events
    handlers.react(uow, match_made(referral_id, day, **more), NOW)


def case_id_of(uow, referral_id):
    with uow:
        return Cases(uow).by_referral(referral_id).case_id


def listed(uow, who, status=None, limit=100):
    found, cursor = [], None
    while True:
        page = call(uow, handlers.list_cases, who, {"limit": limit, "cursor": cursor,
                                                     "status": status})
        found.extend(page["cases"])
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def test_safety_concerns_first_then_the_longest_open_of_the_organisation(uow):
    for referral_id, day in (("r-1", 5), ("r-2", 3), ("r-3", 7), ("r-4", 4)):
        opened(uow, referral_id, day)
    opened(uow, "r-x", 1, org=OTHER_ORG)
    cases = {r: case_id_of(uow, r) for r in ("r-1", "r-2", "r-3", "r-4")}
    coordinator = caller("recordSafetyConcern", ORG, "coordinator")
    call(uow, handlers.record_safety_concern, coordinator, cases["r-3"],
         {"description": "eviction", "immediate": True}, NOW)
    shown = call(uow, handlers.record_safety_concern, coordinator, cases["r-1"],
                 {"description": "debts", "immediate": False}, NOW)
    call(uow, handlers.record_safety_concern, coordinator, cases["r-4"],
         {"description": "resolved", "immediate": False}, NOW)
    resolved = call(uow, handlers.get_case, caller("getCase", ORG, "coordinator"),
                    cases["r-4"])["safety_concerns"][0]["concern_id"]
    call(uow, handlers.resolve_safety_concern, caller("resolveSafetyConcern", ORG,
                                                      "coordinator"),
         cases["r-4"], resolved, "talked", NOW)
    call(uow, handlers.close_case, caller("closeCase", ORG, "coordinator"), cases["r-2"],
         "the parents manage", True, NOW)
    assert shown["status"] == "open"
    before = len(audit_records(uow))

    who = caller("listCases", ORG, "coordinator")
    rows = listed(uow, who, limit=1)
    assert [(row["referral_id"], row["open_safety_concern"], row["immediate_safety_concern"])
            for row in rows] == [("r-1", True, False), ("r-3", True, True),
                                 ("r-2", False, False), ("r-4", False, False)]
    records = audit_records(uow)[before:]
    assert [(r["operation"], r["referral_id"]) for r in records] == [
        ("listCases", row["referral_id"]) for row in rows]
    assert [row["referral_id"] for row in listed(uow, who, "closing")] == ["r-2"]
    assert [row["referral_id"] for row in listed(uow, who, "open")] == ["r-1", "r-3", "r-4"]
    # the flags as getCase computes them
    case = call(uow, handlers.get_case, caller("getCase", ORG, "coordinator"), cases["r-1"])
    assert rows[0]["check_in_overdue"] == case["check_in_overdue"]
    assert rows[0]["evaluation_overdue"] == case["evaluation_overdue"]
    assert [row["referral_id"] for row in listed(uow, caller("listCases", OTHER_ORG,
                                                             "coordinator"))] == ["r-x"]


def test_a_supporter_lists_its_own_cases_while_it_takes_part(uow):
    opened(uow, "r-1", 5, supporter_id="s-1")
    opened(uow, "r-2", 6, supporter_id="s-2")
    opened(uow, "r-3", 7, supporter_id="s-1")
    third = case_id_of(uow, "r-3")
    coordinator = caller("closeCase", ORG, "coordinator")
    call(uow, handlers.close_case, coordinator, third, "done", True, NOW)
    sanne = caller("listCases", ORG, "supporter", "s-1")
    assert [row["referral_id"] for row in listed(uow, sanne)] == ["r-1", "r-3"]
    call(uow, handlers.hand_over_case, caller("handOverCase", ORG, "coordinator"), third,
         {"kind": "municipality", "name": "Gemeente Utrecht"}, "summary", NOW)
    assert [row["referral_id"] for row in listed(uow, sanne)] == ["r-1"]  # no longer hers
    # the same person id in another organisation reaches nothing here
    assert listed(uow, caller("listCases", OTHER_ORG, "supporter", "s-1")) == []
