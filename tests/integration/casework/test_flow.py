"""Casework on the real broker and database: from the match to the handover, and back."""
from sqlalchemy import func, select

from services.casework.models import CaseRow
from tests.support.databases import unit_of_work
from tests.support.events import deliver
from tests.support.integration.casework import (COORDINATOR, SUPPORTER, match_made, open_case,
                                                relapse, withdrawn)

HANDOVER = {"receiving_party": {"kind": "local_partner", "name": "Buurtteam Oost"},
            "summary": "what the buurtteam needs to know"}


def cases_of_referral(container, referral_id):
    with unit_of_work(container) as uow:
        return uow.session.scalar(select(func.count()).select_from(CaseRow)
                                  .where(CaseRow.referral_id == referral_id))


def test_a_match_opens_one_readable_case(casework, kring_config, emitted, api):
    event, started = open_case(casework, kring_config, emitted, severity="high")
    assert (started["type"], started["referral_id"]) == ("case_started", event.referral_id)
    case_id = started["data"]["case_id"]
    assert started["data"] == {"case_id": case_id, "supporter_id": "s-1", "severity": "high",
                               "coordinator_org": "home-start-oost"}
    for who in (COORDINATOR, SUPPORTER):
        shown = api.get(f"/cases/{case_id}", who)
        assert shown.status_code == 200, shown.text
        case = shown.json()
        assert (case["status"], case["supporter_id"], case["severity"], case["referral_id"]) == (
            "open", "s-1", "high", event.referral_id)
        assert (case["plan"], case["visits"], case["total_hours"]) == (None, [], 0)

    deliver(casework, kring_config["AMQP_URI"], event)  # the same event delivered again
    assert cases_of_referral(casework, event.referral_id) == 1
    # and the case was not announced twice: the next event out is the one after it
    assert api.post(f"/cases/{case_id}/close", COORDINATOR, json={
        "evaluation": "x", "goals_met": True}).status_code == 200
    assert emitted.next()["type"] == "case_closed"


def test_a_second_match_for_the_referral_opens_no_second_case(casework, kring_config,
                                                               emitted, api):
    first, started = open_case(casework, kring_config, emitted)
    again = match_made(referral_id=first.referral_id)  # re-sent by matching: a new event_id
    deliver(casework, kring_config["AMQP_URI"], again)
    assert cases_of_referral(casework, first.referral_id) == 1
    api.post(f"/cases/{started['data']['case_id']}/close", COORDINATOR,
             json={"evaluation": "x", "goals_met": True})
    assert emitted.next()["type"] == "case_closed"  # no second case_started before it


def test_close_then_hand_over(casework, kring_config, emitted, api):
    event, started = open_case(casework, kring_config, emitted)
    case_path = f"/cases/{started['data']['case_id']}"
    early = api.post(f"{case_path}/handover", COORDINATOR, json=HANDOVER)
    assert early.status_code == 409, early.text  # close first
    closed = api.post(f"{case_path}/close", COORDINATOR,
                      json={"evaluation": "the parents manage", "goals_met": True})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closing"
    assert closed.json()["evaluation"]["goals_met"] is True
    message = emitted.next()
    assert (message["type"], message["referral_id"], message["data"]) == (
        "case_closed", event.referral_id, {"case_id": started["data"]["case_id"],
                                           "goals_met": True})
    assert api.post(f"{case_path}/close", COORDINATOR, json={
        "evaluation": "again", "goals_met": True}).status_code == 409

    handed = api.post(f"{case_path}/handover", COORDINATOR, json=HANDOVER)
    assert handed.status_code == 200, handed.text
    assert handed.json()["status"] == "handed_over"
    assert handed.json()["handover"]["receiving_name"] == "Buurtteam Oost"
    message = emitted.next()
    assert (message["type"], message["data"]) == ("case_handed_over", {
        "case_id": started["data"]["case_id"], "supporter_id": "s-1", "severity": "medium",
        "receiving_kind": "local_partner", "receiving_name": "Buurtteam Oost",
        "coordinator_org": "home-start-oost", "programme": "home-start",
        "support_figures": []})
    assert api.post(f"{case_path}/handover", COORDINATOR, json=HANDOVER).status_code == 409


def test_a_withdrawal_ends_the_case(casework, kring_config, emitted, api):
    event, started = open_case(casework, kring_config, emitted)
    case_path = f"/cases/{started['data']['case_id']}"
    deliver(casework, kring_config["AMQP_URI"], withdrawn(event.referral_id))
    assert api.get(case_path, COORDINATOR).json()["status"] == "withdrawn"
    visit = {"date": started["occurred_at"][:10], "hours": 4, "notes": "x"}
    refused = api.post(f"{case_path}/visits", COORDINATOR, json=visit)
    assert refused.status_code == 409, refused.text
    # and the supporter has no part in it any more (kring/contracts/access.py)
    assert api.post(f"{case_path}/visits", SUPPORTER, json=visit).status_code == 404
    assert api.post(f"{case_path}/close", COORDINATOR, json={
        "evaluation": "x", "goals_met": False}).status_code == 409
    assert api.get(case_path, COORDINATOR).json()["visits"] == []


def test_a_relapse_reopens_the_handed_over_case(casework, kring_config, emitted, api):
    event, started = open_case(casework, kring_config, emitted)
    case_id = started["data"]["case_id"]
    api.post(f"/cases/{case_id}/close", COORDINATOR, json={"evaluation": "ok",
                                                          "goals_met": True})
    api.post(f"/cases/{case_id}/handover", COORDINATOR, json=HANDOVER)
    assert [emitted.next()["type"] for _ in range(2)] == ["case_closed", "case_handed_over"]

    deliver(casework, kring_config["AMQP_URI"], relapse(event.referral_id, case_id))
    message = emitted.next()
    assert (message["type"], message["referral_id"], message["data"]) == (
        "case_reopened", event.referral_id, {"case_id": case_id, "supporter_id": "s-1"})
    case = api.get(f"/cases/{case_id}", SUPPORTER).json()
    assert (case["status"], case["supporter_id"], case["handover"]) == ("open", "s-1", None)
    assert case["past_rounds"][0]["handover"]["receiving_kind"] == "local_partner"
    visit = api.post(f"/cases/{case_id}/visits", SUPPORTER,
                     json={"date": started["occurred_at"][:10], "hours": 4, "notes": "again"})
    assert visit.status_code == 201, visit.text
