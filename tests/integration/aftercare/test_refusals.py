"""What the aftercare API refuses: no token, the wrong role, unknown plans, invalid bodies."""
import uuid
from datetime import timedelta

import pytest

from kring.clock import utcnow
from tests.support.api import token
from tests.support.integration.aftercare import COORDINATOR, start_plan


@pytest.fixture
def plan_path(aftercare, kring_config, emitted):
    _, started = start_plan(aftercare, kring_config, emitted, severity="medium")
    return f"/aftercare/{started['data']['aftercare_id']}"


def test_who_may_call(plan_path, api):
    assert api.get(plan_path).status_code == 401
    assert api.get(plan_path, "not-a-token").status_code == 401
    for role in ("referrer", "supporter", "admin"):
        assert api.get(plan_path, token("huisarts-oost", role)).status_code == 403
        assert api.post(f"{plan_path}/complete", token("huisarts-oost", role),
                        json={}).status_code == 403
    assert api.get(plan_path, COORDINATOR).json()["status"] == "active"  # nothing changed


def test_unknown_plans(plan_path, api):
    unknown = f"/aftercare/{uuid.uuid4()}"
    assert api.get(unknown, COORDINATOR).status_code == 404
    assert api.post(f"{unknown}/complete", COORDINATOR, json={}).status_code == 404
    assert api.post(f"{unknown}/relapse", COORDINATOR, json={"notes": "x"}).status_code == 404
    today = utcnow().date().isoformat()
    assert api.post(f"{unknown}/contacts", COORDINATOR,
                    json={"date": today, "notes": "x"}).status_code == 404


@pytest.mark.parametrize("body,field", [
    ({"notes": "no date"}, "date"),
    ({"date": "yesterday", "notes": "x"}, "date"),
    ({"date": "2026-02-30", "notes": "x"}, "date"),
    ({"date": "FUTURE", "notes": "x"}, "date"),
    ({"date": "2001-01-01", "notes": "before aftercare began"}, "date"),
    ({"date": "TODAY"}, "notes"),
    ({"date": "TODAY", "notes": ""}, "notes"),
    ({"date": "TODAY", "notes": "x", "family_name": "Yilmaz"}, "family_name"),
])
def test_invalid_contacts(plan_path, api, body, field):
    today = utcnow().date()
    days = {"TODAY": today.isoformat(), "FUTURE": (today + timedelta(days=2)).isoformat()}
    body = {key: days.get(value, value) for key, value in body.items()}
    answer = api.post(f"{plan_path}/contacts", COORDINATOR, json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"]
    assert not any(c["done_on"] for c in api.get(plan_path, COORDINATOR).json()["contacts"])


def test_invalid_relapse_and_completion(plan_path, api):
    assert api.post(f"{plan_path}/relapse", COORDINATOR, json={}).status_code == 422
    assert api.post(f"{plan_path}/complete", COORDINATOR,
                    json={"notes": 42}).status_code == 422
    assert api.post(f"{plan_path}/complete", COORDINATOR, data="{not json",
                    headers={"Content-Type": "application/json"}).status_code == 400
    assert api.get(plan_path, COORDINATOR).json()["status"] == "active"
