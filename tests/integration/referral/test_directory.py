"""The provider directory over HTTP (docs/contract.md §7): operators register who provides
which programme where, every signed-in role reads it, and a referral follows it. The service
starts with the tests' directory (tests/support/directory.py)."""
import pytest

from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.integration.referral import REFERRER
from tests.support.sample import changed

OPERATOR = token("platform", "operator")


@pytest.fixture(autouse=True)
def service(container_factory, kring_config):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


def provider(**changes):
    return {"organisation": "home-start-amsterdam", "name": "Home-Start Amsterdam",
            "programme": "home-start", "municipalities": ["Amsterdam", "gm0362"],
            "languages": ["nl", "en"], **changes}


def register(api, body, who=OPERATOR):
    return api.post("/providers", who, json=body)


def test_an_operator_registers_a_provider_and_referrals_go_there(api):
    answer = register(api, provider())
    assert answer.status_code == 201, answer.text
    assert answer.json() == {
        "organisation": "home-start-amsterdam", "name": "Home-Start Amsterdam",
        "programme": "home-start", "languages": ["nl", "en"], "waiting_list": False,
        "municipalities": [{"code": "GM0363", "name": "Amsterdam"},
                           {"code": "GM0362", "name": "Amstelveen"}]}
    submitted = api.post("/referrals", REFERRER,
                         json=changed(("family", "municipality"), "Amstelveen"))
    assert submitted.status_code == 201, submitted.text
    referral_id = submitted.json()["referral_id"]
    assert api.get(f"/referrals/{referral_id}",
                   token("home-start-amsterdam", "coordinator")).status_code == 200


def test_every_signed_in_role_lists_the_programmes_of_a_municipality(api):
    for role in ("referrer", "coordinator", "supporter", "admin", "operator", "municipality"):
        answer = api.get("/programmes", token("anyone", role), params={"municipality": "utrecht"})
        assert answer.status_code == 200, answer.text
        listed = answer.json()
        assert listed["municipality"] == {"code": "GM0344", "name": "Utrecht"}
        assert [(p["programme"], p["organisation"]) for p in listed["providers"]] == [
            ("home-start", "home-start-oost")]
    everything = api.get("/programmes", REFERRER).json()
    assert everything["municipality"] is None
    assert {p["organisation"] for p in everything["providers"]} == {"home-start-oost",
                                                                   "home-start-west"}
    assert api.get("/programmes").status_code == 401


def test_only_operators_register(api):
    for role in ("referrer", "coordinator", "admin"):
        assert register(api, provider(), token("home-start-amsterdam", role)).status_code == 403


def test_a_municipality_another_organisation_serves_is_409_naming_it(api):
    answer = register(api, provider(municipalities=["Amsterdam", "Zeist"]))
    assert answer.status_code == 409, answer.text
    assert "Zeist (GM0355) by home-start-oost" in answer.json()["message"]
    assert api.get("/programmes", OPERATOR, params={"municipality": "Amsterdam"}).json()[
        "providers"] == []  # nothing of it was kept


def test_the_same_organisation_and_programme_again_replaces_its_entry(api):
    assert register(api, provider()).status_code == 201
    assert register(api, provider(municipalities=["Diemen"], waiting_list=True)).status_code \
        == 201
    [entry] = [p for p in api.get("/programmes", OPERATOR).json()["providers"]
               if p["organisation"] == "home-start-amsterdam"]
    assert (entry["municipalities"], entry["waiting_list"]) == (
        [{"code": "GM0384", "name": "Diemen"}], True)


def test_unknown_municipalities_are_422_with_what_they_may_mean(api):
    answer = register(api, provider(municipalities=["Amsterdm", "Atlantis"]))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == {"municipalities": [
        "unknown municipality 'Amsterdm'; did you mean: Amsterdam?",
        "unknown municipality 'Atlantis'"]}
    listed = api.get("/programmes", OPERATOR, params={"municipality": "Utrect"})
    assert listed.status_code == 422
    assert listed.json()["errors"] == {"municipality": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?"]}
