"""listReferrals (docs/contract.md §4): whose referrals each role lists, the status as far as
consent allows, the status filter, and the pages, against the real service on the real broker,
on SQLite and on PostgreSQL."""
import pytest

from kring.contracts.events import make_event
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.events import deliver
from tests.support.sample import changed, referral_body

REFERRER = token("huisarts-oost", "referrer", subject="anna")
COLLEAGUE = token("huisarts-oost", "referrer", subject="bert")
OTHER_REFERRER = token("huisarts-west", "referrer")
COORDINATOR = token(COORDINATING_ORG, "coordinator", subject="carla")
ADMIN = token(COORDINATING_ORG, "admin")
OTHER_COORDINATOR = token(OTHER_COORDINATING_ORG, "coordinator")
SUPPORTER = token(COORDINATING_ORG, "supporter")


@pytest.fixture(autouse=True)
def service(container_factory, kring_config):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


def submitted(api, external_ref, who=REFERRER, body=None):
    body = body or referral_body(external_ref)
    body["external_ref"] = external_ref
    answer = api.post("/referrals", who, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def listed(api, who, **query):
    answer = api.get("/referrals", who, params=query)
    assert answer.status_code == 200, answer.text
    return answer.json()


def ids(page):
    return [referral["referral_id"] for referral in page["referrals"]]


def test_a_referrer_lists_its_organisations_referrals_newest_first(api):
    first = submitted(api, "ref-1")
    second = submitted(api, "ref-2", who=COLLEAGUE)  # a colleague of the same practice
    submitted(api, "ref-3", who=OTHER_REFERRER)
    page = listed(api, REFERRER)
    assert ids(page) == [second, first]
    assert page["next_cursor"] is None
    row = page["referrals"][1]
    assert row == {"referral_id": first, "external_ref": "ref-1", "programme": "home-start",
                   "status": "received", "received_at": row["received_at"]}
    assert row["received_at"].startswith("20")


def test_coordinators_and_admins_list_what_is_routed_to_them_and_others_nothing(api):
    routed = submitted(api, "ref-1")
    assert ids(listed(api, COORDINATOR)) == [routed]
    assert ids(listed(api, ADMIN)) == [routed]
    assert ids(listed(api, OTHER_COORDINATOR)) == []
    assert ids(listed(api, OTHER_REFERRER)) == []


def test_a_supporter_may_not_list_referrals(api):
    submitted(api, "ref-1")
    answer = api.get("/referrals", SUPPORTER)
    assert answer.status_code == 403
    assert answer.json()["error"] == "forbidden"


def test_without_consent_a_referrer_sees_received_where_the_coordinator_sees_the_status(
        api, service, kring_config):
    quiet = submitted(api, "ref-1", body=changed(("consent", "share_status_with_referrer"),
                                                 False))
    told = submitted(api, "ref-2")
    for referral_id in (quiet, told):
        deliver(service, kring_config["AMQP_URI"], make_event(
            "matching", "intake_recorded", referral_id, fits=True, severity="medium",
            coordinator_org=COORDINATING_ORG))
    by_id = {row["referral_id"]: row["status"] for row in listed(api, REFERRER)["referrals"]}
    assert by_id == {quiet: "received", told: "matching"}
    assert {row["status"] for row in listed(api, COORDINATOR)["referrals"]} == {"matching"}


def test_coordinators_filter_by_status_and_referrers_may_not(api, service, kring_config):
    met = submitted(api, "ref-1")
    new = submitted(api, "ref-2")
    deliver(service, kring_config["AMQP_URI"], make_event(
        "matching", "intake_recorded", met, fits=True, severity="medium",
        coordinator_org=COORDINATING_ORG))
    assert ids(listed(api, COORDINATOR, status="received")) == [new]
    assert ids(listed(api, COORDINATOR, status="matching")) == [met]
    refused = api.get("/referrals", REFERRER, params={"status": "received"})
    assert refused.status_code == 422
    assert "status" in refused.json()["errors"]


def test_pages_follow_each_other_without_repeating_or_skipping(api):
    made = [submitted(api, f"ref-{n}") for n in range(5)]
    seen, cursor = [], None
    while True:
        page = listed(api, REFERRER, limit=2, **({"cursor": cursor} if cursor else {}))
        assert len(page["referrals"]) <= 2
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made))


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"cursor": "nonsense!"},
                                   {"status": "dreaming"}])
def test_a_query_out_of_bounds_is_refused(api, query):
    answer = api.get("/referrals", COORDINATOR, params=query)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid"
    assert set(answer.json()["errors"]) == set(query)
