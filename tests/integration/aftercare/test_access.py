"""Whose aftercare plan it is, over HTTP (kring/contracts/access.py): a coordinator of another
organisation gets the very answer an unknown plan gets; every call on a plan is in aftercare's
audit trail, once."""
import uuid

import pytest

from kring.clock import utcnow
from tests.support.databases import audit_records, unit_of_work
from tests.support.integration.aftercare import COORDINATOR, OTHER_COORDINATOR, start_plan
from tests.support.waiting import eventually

# operationId -> (method, path under the plan, body)
OPERATIONS = {
    "getAftercare": ("GET", "", None),
    "logAftercareContact": ("POST", "/contacts", {"date": "TODAY", "notes": "phoned the mother"}),
    "reportRelapse": ("POST", "/relapse", {"notes": "the old worries are back"}),
    "completeAftercare": ("POST", "/complete", {"notes": "stable at home"}),
}
FAMILY_DATA = ("mother", "worries", "stable at home")


@pytest.fixture
def plan(aftercare, kring_config, emitted):
    """(aftercare id, referral id) of a plan routed to home-start-oost"""
    event, started = start_plan(aftercare, kring_config, emitted, severity="medium")
    return started["data"]["aftercare_id"], event.referral_id


def ask(api, operation_id, token, aftercare_id):
    method, path, body = OPERATIONS[operation_id]
    if body is not None and body.get("date") == "TODAY":
        body = {**body, "date": utcnow().date().isoformat()}
    return api.call(method, f"/aftercare/{aftercare_id}{path}", token, json=body)


def answered_as_unknown(api, operation_id, token, aftercare_id):
    unknown = str(uuid.uuid4())
    refused = ask(api, operation_id, token, aftercare_id)
    missing = ask(api, operation_id, COORDINATOR, unknown)
    assert (refused.status_code, missing.status_code) == (404, 404), refused.text
    assert refused.json() == {"error": "not_found",
                              "message": f"no aftercare plan {aftercare_id}"}
    assert missing.json() == {"error": "not_found", "message": f"no aftercare plan {unknown}"}
    assert refused.headers["Content-Type"] == missing.headers["Content-Type"]


def test_a_coordinator_of_another_organisation_gets_what_an_unknown_plan_gets(plan, api):
    aftercare_id, _ = plan
    before = ask(api, "getAftercare", COORDINATOR, aftercare_id).json()
    for operation_id in OPERATIONS:
        answered_as_unknown(api, operation_id, OTHER_COORDINATOR, aftercare_id)
    assert ask(api, "getAftercare", COORDINATOR, aftercare_id).json() == before


def test_every_call_on_a_plan_is_audited_once(aftercare, plan, api):
    aftercare_id, referral_id = plan
    calls = [("getAftercare", COORDINATOR, 200), ("logAftercareContact", COORDINATOR, 201),
             ("reportRelapse", OTHER_COORDINATOR, 404), ("completeAftercare", COORDINATOR, 200),
             ("reportRelapse", COORDINATOR, 409)]
    for operation_id, token, answer in calls:
        assert ask(api, operation_id, token, aftercare_id).status_code == answer

    def every_record():  # a refusal is recorded just after its answer went (kring.kit.db)
        found = [r for r in audit_records(unit_of_work(aftercare))
                 if r["referral_id"] == referral_id]
        return found if len(found) >= len(calls) else None

    records = eventually(every_record, what="a record of every call")
    ours = ("coordinator-of-home-start-oost", "home-start-oost", "coordinator")
    # sorted: a refusal's record and the next call's may be written in either order
    assert sorted((r["operation"], r["person"], r["organisation"], r["role"], r["answer"])
                  for r in records) == sorted([
        ("getAftercare", *ours, 200),
        ("logAftercareContact", *ours, 201),
        ("reportRelapse", "coordinator-of-buurtgezin-west", "buurtgezin-west", "coordinator",
         404),
        ("completeAftercare", *ours, 200),
        ("reportRelapse", *ours, 409)])
    assert {r["target_id"] for r in records} == {aftercare_id}
    written = " ".join(str(value) for record in records for value in record.values())
    assert not [secret for secret in FAMILY_DATA if secret in written]
