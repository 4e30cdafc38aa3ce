"""The municipality's commission in the referral service, over HTTP and the real broker and
database (SQLite and PostgreSQL): a family-trajectory referral waits after its fitting intake,
its municipality decides, and what travels (docs/contract.md §4 "Commissions")."""
import pytest

from kring.clock import iso, utcnow
from kring.contracts.events import make_event
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import deliver, listening_to
from tests.support.integration.referral import OTHER_SERVICES, trail_stub
from tests.support.sample import referral_body

PROVIDER = "gezinstraject-utrecht"
REFERRER = token("huisarts-oost", "referrer")
OPERATOR = token("kring-platform", "operator")
COORDINATOR = token(PROVIDER, "coordinator")
MUNICIPALITY = token("GM0344", "municipality", subject="m.jansen")  # Utrecht's CBS code
OTHER_MUNICIPALITY = token("GM0355", "municipality")  # Zeist's
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting",
               "j.devries@example.org")


@pytest.fixture
def published(kring_config):
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture
def service(container_factory, kring_config, published, api):
    for other in OTHER_SERVICES:  # stand-ins: getAudit gathers from all five
        container_factory(trail_stub(other, iso(utcnow())), kring_config).start()
    container = container_factory(ReferralService, kring_config)
    container.start()
    registered = api.post("/providers", OPERATOR, json={
        "organisation": PROVIDER, "name": "Gezinstraject Utrecht",
        "programme": "family-trajectory", "municipalities": ["Utrecht"], "languages": ["nl"]})
    assert registered.status_code == 201, registered.text
    return container


def waiting(api, service, kring_config, published, external_ref="GT-1", **consent):
    """A family-trajectory referral whose intake fitted: it waits for Utrecht's commission."""
    body = referral_body(external_ref, programme="family-trajectory")
    body["consent"].update(consent)
    answer = api.post("/referrals", REFERRER, json=body)
    assert answer.status_code == 201, answer.text
    referral_id = answer.json()["referral_id"]
    assert published.next_of_type("referral_received")["referral_id"] == referral_id
    deliver(service, kring_config["AMQP_URI"], make_event(
        "matching", "intake_recorded", referral_id, fits=True, severity="high",
        coordinator_org=PROVIDER, commission_required=True))
    return referral_id


def decide(api, referral_id, body, who=MUNICIPALITY, status=200):
    answer = api.post(f"/referrals/{referral_id}/commission", who, json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def referral(api, referral_id):
    return api.get(f"/referrals/{referral_id}", COORDINATOR).json()


def test_a_yes_is_announced_to_matching_and_moves_the_referral_on(api, service, kring_config,
                                                                  published):
    referral_id = waiting(api, service, kring_config, published)
    shown = referral(api, referral_id)
    assert shown["status"] == "received"
    assert [e["status"] for e in shown["timeline"]][-2:] == ["intake_done",
                                                             "awaiting_commission"]
    request = api.get(f"/commissions/{referral_id}", MUNICIPALITY)
    assert request.status_code == 200, request.text
    assert (request.json()["state"], request.json()["severity"]) == ("awaiting", "high")
    for secret in FAMILY_DATA:
        assert secret not in request.text
    decided = decide(api, referral_id, {"commissioned": True})
    assert decided["state"] == "commissioned"
    event = published.next_of_type("referral_commissioned")
    assert (event["referral_id"], event["data"]) == (referral_id,
                                                     {"municipality_code": "GM0344"})
    shown = referral(api, referral_id)
    assert shown["status"] == "matching"
    assert [(e["status"], e["detail"]) for e in shown["timeline"]][-2:] == [
        ("commissioned", "by municipality of GM0344"), ("matching", None)]
    assert shown["commission"]["decided_by"] == {"role": "municipality",
                                                 "organisation": "GM0344"}
    assert decide(api, referral_id, {"commissioned": True}, status=409)["error"] == "conflict"


def test_a_no_closes_the_referral_and_its_reason_stays_here(api, service, kring_config,
                                                            published):
    referral_id = waiting(api, service, kring_config, published)
    refused = decide(api, referral_id, {"commissioned": False}, status=422)
    assert "reason" in refused["errors"]
    decide(api, referral_id, {"commissioned": False, "reason": "the district team helps"})
    closed = published.next_of_type("referral_closed")
    assert (closed["referral_id"], closed["data"]["outcome"]) == (referral_id, "declined")
    assert "district team" not in str(closed)
    shown = referral(api, referral_id)
    assert (shown["status"], shown["outcome"]) == ("closed", "declined")
    assert [e["status"] for e in shown["timeline"]][-2:] == ["not_commissioned", "closed"]
    assert shown["commission"]["reason"] == "the district team helps"
    listed = api.get("/commissions", MUNICIPALITY, params={"state": "decided"}).json()
    assert [(c["referral_id"], c["state"]) for c in listed["commissions"]] == [
        (referral_id, "not_commissioned")]
    audit = api.get(f"/referrals/{referral_id}/audit", token(PROVIDER, "admin"))
    assert audit.status_code == 200, audit.text
    assert [(e["operation"], e["organisation"], e["role"], e["answer"])
            for e in audit.json()["entries"] if e["operation"] in (
                "decideCommission", "listCommissionRequests")] == [
        ("decideCommission", "GM0344", "municipality", 200),
        ("listCommissionRequests", "GM0344", "municipality", 200)]
    admin = token(PROVIDER, "admin")
    assert api.get(f"/referrals/{referral_id}/export", admin).json()["services"]["referral"][
        "referral"]["commission"]["reason"] == "the district team helps"
    erased = api.post(f"/referrals/{referral_id}/erasure", admin, json={"reason": "asked"})
    assert erased.status_code == 202, erased.text
    kept = api.get(f"/referrals/{referral_id}/export", admin).json()["services"]["referral"][
        "referral"]["commission"]
    assert (kept["reason"], kept["decided_by"]["organisation"]) == (None, "GM0344")
    assert "district team" not in api.get(f"/referrals/{referral_id}/export", admin).text


def test_another_municipality_gets_what_an_unknown_id_gets(api, service, kring_config,
                                                           published):
    referral_id = waiting(api, service, kring_config, published)
    unknown = "00000000-0000-4000-8000-000000000000"
    for path, method, body in (("/commissions/{}", "GET", None),
                               ("/referrals/{}/commission", "POST",
                                {"commissioned": True})):
        real = api.call(method, path.format(referral_id), OTHER_MUNICIPALITY, json=body)
        none = api.call(method, path.format(unknown), OTHER_MUNICIPALITY, json=body)
        assert (real.status_code, none.status_code) == (404, 404), real.text
        assert real.json()["message"] == none.json()["message"].replace(unknown, referral_id)
    assert api.get("/commissions", OTHER_MUNICIPALITY).json()["total"] == 0
    assert api.get("/referrals/" + referral_id, MUNICIPALITY).status_code == 403
    assert api.post(f"/referrals/{referral_id}/commission", COORDINATOR,
                    json={"commissioned": True}).status_code == 403
    listed = api.get("/commissions", MUNICIPALITY).json()
    assert [c["referral_id"] for c in listed["commissions"]] == [referral_id]


def test_a_withdrawal_while_waiting_leaves_nothing_to_decide(api, service, kring_config,
                                                              published):
    referral_id = waiting(api, service, kring_config, published)
    withdrawn = api.post(f"/referrals/{referral_id}/withdraw", REFERRER, json={"by": "family"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert decide(api, referral_id, {"commissioned": True}, status=409)["error"] == "conflict"
    assert api.get("/commissions", MUNICIPALITY).json()["total"] == 0
    assert api.get(f"/commissions/{referral_id}", MUNICIPALITY).json()["state"] == "withdrawn"


def test_the_requests_page_by_cursor_and_by_offset_alike(api, service, kring_config,
                                                         published):
    made = [waiting(api, service, kring_config, published, f"GT-{n}") for n in range(3)]
    seen, cursor = [], None
    while True:
        page = api.get("/commissions", MUNICIPALITY, params={
            "limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
        seen += [c["referral_id"] for c in page["commissions"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made  # the longest waiting first
    by_offset = api.get("/commissions", MUNICIPALITY, params={"limit": 2, "offset": 2}).json()
    assert [c["referral_id"] for c in by_offset["commissions"]] == made[2:]
    assert by_offset["next_cursor"] is None
    refused = api.get("/commissions", MUNICIPALITY, params={"cursor": "nonsense!"})
    assert refused.status_code == 422 and "cursor" in refused.json()["errors"]
