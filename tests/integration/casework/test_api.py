"""Visits, plan and safety over HTTP: what is allowed, and the 401/403/404/409/422 refusals."""
import uuid
from datetime import date, timedelta

import pytest

from kring.clock import utcnow
from tests.support.api import token
from tests.support.integration.casework import COORDINATOR, SUPPORTER, open_case

PLAN = {"goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult"},
                  {"life_domain": "school", "goal": "goes every day", "for": "child"}],
        "risk_factors": ["isolation"], "protective_factors": ["a warm bond"],
        "support_figures": [{"name": "Aunt Ayse", "relation": "aunt", "formal": False,
                             "functions": ["emotional", "practical"], "consent": True}],
        "intensity": "high"}
CLOSE = {"evaluation": "the parents manage", "goals_met": True}


@pytest.fixture
def case(casework, kring_config, emitted):
    """(path of a freshly opened case, the day it opened)"""
    _, started = open_case(casework, kring_config, emitted)
    return f"/cases/{started['data']['case_id']}", date.fromisoformat(started["occurred_at"][:10])


def test_visits_are_logged_and_add_up(case, api):
    path, opened_on = case
    first = api.post(f"{path}/visits", SUPPORTER,
                     json={"date": opened_on.isoformat(), "hours": 4, "notes": "to the park"})
    assert first.status_code == 201, first.text
    second = api.post(f"{path}/visits", COORDINATOR, json={"date": opened_on.isoformat(),
                                                           "hours": 0.5})
    assert second.status_code == 201, second.text
    shown = api.get(path, SUPPORTER).json()
    assert shown["total_hours"] == 4.5
    assert [(v["hours"], v["notes"], v["logged_by"], v["logged_by_role"])
            for v in shown["visits"]] == [
        (4, "to the park", "s-1", "supporter"),
        (0.5, None, "coordinator-of-home-start-oost", "coordinator")]


@pytest.mark.parametrize("body,field", [
    ({"date": "OPENED", "hours": 0}, "hours"),
    ({"date": "OPENED", "hours": 12.5}, "hours"),
    ({"date": "OPENED", "hours": True}, "hours"),
    ({"date": "OPENED"}, "hours"),
    ({"hours": 4}, "date"),
    ({"date": "2026-02-30", "hours": 4}, "date"),
    ({"date": "FUTURE", "hours": 4}, "date"),
    ({"date": "BEFORE", "hours": 4}, "date"),
    ({"date": "OPENED", "hours": 4, "family_name": "Yilmaz"}, "family_name"),
])
def test_invalid_visits(case, api, body, field):
    path, opened_on = case
    days = {"OPENED": opened_on, "BEFORE": opened_on - timedelta(days=1),
            "FUTURE": utcnow().date() + timedelta(days=3)}
    body = {key: days[value].isoformat() if value in days else value
            for key, value in body.items()}
    answer = api.post(f"{path}/visits", SUPPORTER, json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"]
    assert api.get(path, SUPPORTER).json()["visits"] == []


def test_the_plan_is_set_and_refused_when_it_breaks_a_rule(case, api):
    path, _ = case
    answer = api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN)
    assert answer.status_code == 200, answer.text
    assert answer.json()["plan"]["goals"][1] == {"life_domain": "school",
                                                 "goal": "goes every day", "for": "child",
                                                 "members": []}
    assert (answer.json()["plan"]["set_by"], answer.json()["plan"]["set_by_role"]) == (
        "s-1", "supporter")
    twice = [{**PLAN["support_figures"][0], "functions": ["emotional", "emotional"]}]
    for bad, field in (({**PLAN, "goals": []}, "goals"), ({**PLAN, "intensity": "max"},
                                                          "intensity"),
                       ({**PLAN, "support_figures": twice}, "support_figures"),
                       ({**PLAN, "diagnosis": "x"}, "diagnosis")):
        refused = api.call("PUT", f"{path}/plan", COORDINATOR, json=bad)
        assert refused.status_code == 422, refused.text
        assert field in refused.json()["errors"]
    assert api.get(path, COORDINATOR).json()["plan"]["intensity"] == "high"
    assert api.post(f"{path}/close", COORDINATOR, json=CLOSE).status_code == 200
    assert api.call("PUT", f"{path}/plan", SUPPORTER, json=PLAN).status_code == 409


def test_the_closure_names_a_reason_of_the_programme(case, api):
    path, _ = case
    refused = api.post(f"{path}/close", COORDINATOR, json={**CLOSE, "reason": "bored"})
    assert refused.status_code == 422, refused.text
    assert "goals_met" in refused.json()["errors"]["reason"][0]
    closed = api.post(f"{path}/close", COORDINATOR, json={**CLOSE, "reason": "goals_met"})
    assert closed.status_code == 200, closed.text
    assert closed.json()["evaluation"]["reason"] == "goals_met"
    assert api.get(path, COORDINATOR).json()["evaluation"]["reason"] == "goals_met"


def test_immediate_safety_comes_first(case, api, emitted):
    path, _ = case
    recorded = api.post(f"{path}/safety-concerns", SUPPORTER,
                        json={"description": "threat by an ex-partner", "immediate": True})
    assert recorded.status_code == 201, recorded.text
    [concern] = recorded.json()["safety_concerns"]
    message = emitted.next()
    assert (message["type"], message["data"]) == (
        "safety_concern_recorded", {"case_id": path.rsplit("/", 1)[1], "immediate": True})
    assert api.post(f"{path}/close", COORDINATOR, json=CLOSE).status_code == 409
    resolve = f"{path}/safety-concerns/{concern['concern_id']}/resolve"
    assert api.post(resolve, SUPPORTER, json={}).status_code == 403  # the coordinator's call
    assert api.post(f"{path}/safety-concerns/{uuid.uuid4()}/resolve", COORDINATOR,
                    json={}).status_code == 404
    resolved = api.post(resolve, COORDINATOR, json={"resolution": "safe address found"})
    assert resolved.status_code == 200, resolved.text
    shown = resolved.json()["safety_concerns"][0]
    assert (shown["resolution"], shown["recorded_by"], shown["recorded_by_role"]) == (
        "safe address found", "s-1", "supporter")
    assert api.post(resolve, COORDINATOR).status_code == 409  # already resolved; no body
    assert api.post(f"{path}/close", COORDINATOR, json=CLOSE).status_code == 200
    assert api.post(f"{path}/safety-concerns", SUPPORTER,
                    json={"description": "x", "immediate": "maybe"}).status_code == 422


def test_who_may_call(case, api):
    """Roles the rule table leaves out: 403 whatever the case (kring/contracts/access.py); who
    is in it but out of reach: tests/integration/casework/test_access.py."""
    path, opened_on = case
    visit = {"date": opened_on.isoformat(), "hours": 4}
    assert api.get(path).status_code == 401
    for who in (token("huisarts-oost", "referrer"), token("home-start-oost", "admin")):
        assert api.get(path, who).status_code == 403
        assert api.post(f"{path}/visits", who, json=visit).status_code == 403
        assert api.call("PUT", f"{path}/plan", who, json=PLAN).status_code == 403
        assert api.post(f"{path}/safety-concerns", who, json={
            "description": "x", "immediate": False}).status_code == 403
    for coordinators_only in ("close", "handover"):
        assert api.post(f"{path}/{coordinators_only}", SUPPORTER, json={}).status_code == 403
    shown = api.get(path, COORDINATOR).json()
    assert (shown["status"], shown["visits"], shown["plan"], shown["safety_concerns"]) == (
        "open", [], None, [])


def test_unknown_cases(casework, api):
    path = f"/cases/{uuid.uuid4()}"
    today = utcnow().date().isoformat()
    assert api.get(path, COORDINATOR).status_code == 404
    assert api.post(f"{path}/visits", SUPPORTER, json={"date": today, "hours": 4}).status_code \
        == 404
    assert api.call("PUT", f"{path}/plan", COORDINATOR, json=PLAN).status_code == 404
    assert api.post(f"{path}/close", COORDINATOR, json=CLOSE).status_code == 404
    assert api.post(f"{path}/handover", COORDINATOR, json={
        "receiving_party": {"kind": "municipality", "name": "Utrecht"},
        "summary": "s"}).status_code == 404
