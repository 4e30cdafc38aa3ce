"""Whose case it is, over HTTP (kring/contracts/access.py): a coordinator of another organisation,
another supporter, and a supporter after the handover get the very answer an unknown case gets;
and every call on a case is in casework's audit trail, once."""
import uuid

import pytest

from tests.support.databases import audit_records, unit_of_work
from tests.support.integration.casework import (COORDINATOR, OTHER_COORDINATOR, OTHER_SUPPORTER,
                                                SUPPORTER, open_case)
from tests.support.waiting import eventually

CONCERN = {"description": "a threat by an ex-partner", "immediate": False}
CLOSE = {"evaluation": "the parents manage", "goals_met": True}
HANDOVER = {"receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
            "summary": "what the municipality needs to know"}
PLAN = {"goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult"}],
        "intensity": "regular"}
FIGURE = {"name": "Opa Kees", "relation": "grandfather", "formal": False,
          "functions": ["emotional"], "consent": True}
FAMILY_DATA = ("Opa Kees", "calmer now", "all well", "ex-partner", "parents manage", "calm bedtimes", "to the park", "needs to know")
# operationId -> (method, path under the case, body); {concern} is a concern the case has
OPERATIONS = {
    "getCase": ("GET", "", None),
    "setPlan": ("PUT", "/plan", PLAN),
    "logVisit": ("POST", "/visits", {"date": "TODAY", "hours": 4, "notes": "to the park"}),
    "recordSafetyConcern": ("POST", "/safety-concerns", CONCERN),
    "resolveSafetyConcern": ("POST", "/safety-concerns/{concern}/resolve", {}),
    "closeCase": ("POST", "/close", CLOSE),
    "handOverCase": ("POST", "/handover", HANDOVER),
    "setFamilyMembers": ("PUT", "/members", {"members": [{"role": "parent",
                                                          "age_band": "18+"}]}),
    "addSupportFigure": ("POST", "/support-figures", FIGURE),
    # out of reach, the case answers before any figure is looked for
    "updateSupportFigure": ("PUT", "/support-figures/some-figure", FIGURE),
    "removeSupportFigure": ("DELETE", "/support-figures/some-figure", None),
    "changeIntensity": ("POST", "/intensity", {"level": "light", "reason": "calmer now"}),
    "recordCheckIn": ("POST", "/check-ins", {"date": "TODAY", "notes": "all well"}),
    "recordEvaluation": ("POST", "/evaluations", {"date": "TODAY", "notes": "all well"}),
}
SUPPORTERS_MAY = ("getCase", "setPlan", "logVisit", "recordSafetyConcern", "setFamilyMembers",
                  "addSupportFigure", "updateSupportFigure", "removeSupportFigure",
                  "changeIntensity")


@pytest.fixture
def case(casework, kring_config, emitted, api):
    """(case id, referral id, the day it opened, the id of a concern it has)"""
    event, started = open_case(casework, kring_config, emitted)
    case_id, opened_on = started["data"]["case_id"], started["occurred_at"][:10]
    recorded = api.post(f"/cases/{case_id}/safety-concerns", COORDINATOR, json=CONCERN)
    assert recorded.status_code == 201, recorded.text
    return case_id, event.referral_id, opened_on, recorded.json()["safety_concerns"][0][
        "concern_id"]


def ask(api, operation_id, token, case_id, case):
    _, _, opened_on, concern_id = case
    method, path, body = OPERATIONS[operation_id]
    if body is not None and body.get("date") == "TODAY":
        body = {**body, "date": opened_on}
    path = f"/cases/{case_id}" + path.format(concern=concern_id)
    return api.call(method, path, token, json=body)


def answered_as_unknown(api, operation_id, token, case):
    """`token`'s answer on the case is an unknown case's, word for word but for the id."""
    case_id, unknown = case[0], str(uuid.uuid4())
    refused = ask(api, operation_id, token, case_id, case)
    missing = ask(api, operation_id, COORDINATOR, unknown, case)
    assert (refused.status_code, missing.status_code) == (404, 404), refused.text
    assert refused.json() == {"error": "not_found", "message": f"no case {case_id}"}
    assert missing.json() == {"error": "not_found", "message": f"no case {unknown}"}
    assert refused.headers["Content-Type"] == missing.headers["Content-Type"]


def test_a_coordinator_of_another_organisation_gets_what_an_unknown_case_gets(case, api):
    before = api.get(f"/cases/{case[0]}", COORDINATOR).json()
    for operation_id in OPERATIONS:
        answered_as_unknown(api, operation_id, OTHER_COORDINATOR, case)
    assert api.get(f"/cases/{case[0]}", COORDINATOR).json() == before


def test_another_supporter_gets_what_an_unknown_case_gets(case, api):
    before = api.get(f"/cases/{case[0]}", COORDINATOR).json()
    for operation_id in SUPPORTERS_MAY:
        answered_as_unknown(api, operation_id, OTHER_SUPPORTER, case)
    assert api.get(f"/cases/{case[0]}", COORDINATOR).json() == before


def test_the_supporter_takes_part_in_the_evaluation_and_loses_the_case_at_the_handover(
        case, api):
    case_id = case[0]
    assert ask(api, "closeCase", COORDINATOR, case_id, case).status_code == 200
    assert ask(api, "getCase", SUPPORTER, case_id, case).json()["status"] == "closing"
    assert ask(api, "recordSafetyConcern", SUPPORTER, case_id, case).status_code == 201
    assert ask(api, "handOverCase", COORDINATOR, case_id, case).status_code == 200
    for operation_id in SUPPORTERS_MAY:
        answered_as_unknown(api, operation_id, SUPPORTER, case)
    assert ask(api, "getCase", COORDINATOR, case_id, case).json()["status"] == "handed_over"


def test_every_call_on_a_case_is_audited_once(casework, case, api):
    case_id, referral_id, _, _ = case  # recordSafetyConcern by the coordinator, 201
    calls = [("getCase", SUPPORTER, 200), ("logVisit", SUPPORTER, 201),
             ("getCase", OTHER_COORDINATOR, 404), ("logVisit", OTHER_SUPPORTER, 404),
             ("handOverCase", COORDINATOR, 409), ("closeCase", COORDINATOR, 200)]
    for operation_id, token, answer in calls:
        assert ask(api, operation_id, token, case_id, case).status_code == answer

    def every_record():  # a refusal is recorded just after its answer went (kring.kit.db)
        found = [r for r in audit_records(unit_of_work(casework))
                 if r["referral_id"] == referral_id]
        return found if len(found) >= 1 + len(calls) else None

    records = eventually(every_record, what="a record of every call")
    coordinator = ("coordinator-of-home-start-oost", "home-start-oost", "coordinator")
    # sorted: a refusal's record and the next call's may be written in either order
    assert sorted((r["operation"], r["person"], r["organisation"], r["role"], r["answer"])
                  for r in records) == sorted([
        ("recordSafetyConcern", *coordinator, 201),
        ("getCase", "s-1", "home-start-oost", "supporter", 200),
        ("logVisit", "s-1", "home-start-oost", "supporter", 201),
        ("getCase", "coordinator-of-buurtgezin-west", "buurtgezin-west", "coordinator", 404),
        ("logVisit", "s-2", "home-start-oost", "supporter", 404),
        ("handOverCase", *coordinator, 409),
        ("closeCase", *coordinator, 200)])
    assert {r["target_id"] for r in records} == {case_id}
    written = " ".join(str(value) for record in records for value in record.values())
    assert not [secret for secret in FAMILY_DATA if secret in written]
