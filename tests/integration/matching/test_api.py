"""The coordinators' API of matching on the real broker and database: supporters, intakes."""
import pytest

from tests.support.integration.matching import (COORDINATOR, ORG, REFERRER, intake, received,
                                                register, supporter_body)


def test_register_read_list_and_update_a_supporter(matching, api):
    created = api.post("/supporters", COORDINATOR, json=supporter_body(
        "Carla", kind="professional", languages=["nl", "en"], capacity=3))
    assert created.status_code == 201, created.text
    shown = created.json()
    supporter_id = shown.pop("supporter_id")
    assert shown.pop("registered_at").endswith("Z")
    assert shown == {"name": "Carla", "organisation": ORG, "kind": "professional",
                     "programmes": ["home-start"],
                     "languages": ["nl", "en"], "municipalities": ["Utrecht"],
                     "expertise": ["finances"], "capacity": 3, "active": True, "load": 0,
                     "reserved": 0, "free": 3}
    changed = api.call("PATCH", f"/supporters/{supporter_id}", COORDINATOR,
                       json={"capacity": 1, "active": False})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["capacity"], changed.json()["active"]) == (1, False)
    assert api.get(f"/supporters/{supporter_id}", COORDINATOR).json()["free"] == 1
    second = register(api, "Dirk")
    listed = api.get("/supporters", COORDINATOR).json()["supporters"]
    assert [s["supporter_id"] for s in listed] == [supporter_id, second]


@pytest.mark.parametrize("bad", [
    {"capacity": 51}, {"capacity": "2"}, {"kind": "robot"}, {"languages": ["dutch"]},
    {"languages": []}, {"programmes": ["Home Start"]}, {"name": ""}, {"surname": "x"}])
def test_a_bad_supporter_is_refused_with_the_field(matching, api, bad):
    refused = api.post("/supporters", COORDINATOR, json=supporter_body(**bad))
    assert refused.status_code == 422, refused.text
    assert set(refused.json()["errors"]) == set(bad)


def test_only_coordinators_and_admins_keep_the_supporters(matching, api):
    assert api.post("/supporters", REFERRER, json=supporter_body()).status_code == 403
    assert api.get("/supporters", REFERRER).status_code == 403
    assert api.post("/supporters", None, json=supporter_body()).status_code == 401
    assert api.post("/intakes", REFERRER, json={"referral_id": "r", "fits": False}) \
        .status_code == 403
    supporter_id = register(api)
    for bad, status in (({}, 422), ({"capacity": -1}, 422), ({"capacity": 2}, None)):
        answer = api.call("PATCH", "/supporters/" + ("nobody" if status is None
                                                     else supporter_id), COORDINATOR,
                          json=bad)
        assert answer.status_code == (status or 404), answer.text


def test_an_intake_waits_for_the_referral_and_is_recorded_once(matching, api, deliver,
                                                               emitted, referral_owners):
    register(api, "Anna")
    best = register(api, "Bram", languages=["nl", "tr"], expertise=["parenting"])
    event = received()  # made up here: the referral service knows no such referral
    assert intake(api, event.referral_id, status=404)["error"] == "not_found"
    deliver(event)
    missing = api.post("/intakes", COORDINATOR, json={"referral_id": event.referral_id,
                                                      "fits": True})
    assert missing.status_code == 422 and "severity" in missing.json()["errors"]
    shown = intake(api, event.referral_id, severity="high")
    assert shown["status"] == "matching"
    recorded, made = emitted.next(), emitted.next()
    assert (recorded["type"], recorded["referral_id"], recorded["data"]) == (
        "intake_recorded", event.referral_id, {"fits": True, "severity": "high",
                                               "coordinator_org": "home-start-oost"})
    # the intake's reason and the proposal's reasons stay in matching (docs/contract.md §7)
    assert (made["type"], made["data"]) == (
        "proposal_made", {"supporter_id": best, "proposal_id": shown["proposal_id"]})
    proposal = api.get(f"/proposals/{shown['proposal_id']}", COORDINATOR).json()
    assert (proposal["supporter_name"], proposal["status"], proposal["answers"]) == (
        "Bram", "open", {})
    assert proposal["reasons"][:2] == ["expertise: parenting", "speaks tr"]
    assert intake(api, event.referral_id, status=409)["error"] == "conflict"
    assert api.get("/proposals/nope", COORDINATOR).status_code == 404
