"""eraseReferral and exportReferral in the referral service (docs/contract.md §7 "Erasure,
retention and export"), with stand-ins for the other four services: the erasure's events in
order and the stages' reports, and an export that fails whole when a service is silent."""
import pytest

from kring.clock import iso, utcnow
from kring.contracts.events import make_event
from services.referral.service import ReferralService
from tests.support.events import listening_to, publish_event
from tests.support.integration.referral import (ADMIN, COORDINATOR, OTHER_ADMIN,
                                                OTHER_SERVICES, REFERRER, trail_stub)
from tests.support.sample import referral_body
from tests.support.waiting import eventually


@pytest.fixture
def start(container_factory, kring_config):
    def started(others=OTHER_SERVICES):
        for service in others:
            container_factory(trail_stub(service, iso(utcnow())), kring_config).start()
        container_factory(ReferralService, kring_config).start()
    return started


def submitted(api):
    answer = api.post("/referrals", REFERRER, json=referral_body())
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def erase(api, referral_id, who=ADMIN):
    return api.post(f"/referrals/{referral_id}/erasure", who, json={"reason": "asked"})


def test_an_open_referral_is_withdrawn_then_erased_and_every_stage_is_asked(start, api,
                                                                           kring_config):
    start()
    referral_id = submitted(api)
    with listening_to(kring_config["AMQP_URI"], "referral") as emitted:
        answer = erase(api, referral_id)
        assert answer.status_code == 202, answer.text
        kinds = []
        while "referral_erased" not in kinds:
            kinds.append(emitted.next()["type"])
    assert [kind for kind in kinds if kind != "referral_received"] == [  # sent before, maybe
        "referral_withdrawn", "referral_closed", "referral_erased"]
    state = answer.json()
    assert (state["complete"], state["waiting_for"]) == (False, OTHER_SERVICES)
    assert state["erased_by"] == {"role": "admin", "organisation": "home-start-oost"}

    for stage in OTHER_SERVICES:
        publish_event(kring_config["AMQP_URI"], make_event(
            stage, "erasure_done", referral_id, erased_at=state["erased_at"]))
    done = eventually(lambda: erase(api, referral_id).json()["complete"],
                      what="every stage's report")
    assert done
    viewed = api.get(f"/referrals/{referral_id}", COORDINATOR).json()
    assert "family" not in viewed and viewed["erased_at"] == state["erased_at"]
    assert erase(api, referral_id, OTHER_ADMIN).status_code == 404
    assert erase(api, referral_id, COORDINATOR).status_code == 403


def test_an_export_gathers_every_service_or_fails_naming_the_silent_one(start, api):
    start([service for service in OTHER_SERVICES if service != "casework"])
    referral_id = submitted(api)
    answer = api.get(f"/referrals/{referral_id}/export", ADMIN)
    assert answer.status_code == 503, answer.text
    assert "casework" in answer.json()["message"]
    assert api.get(f"/referrals/{referral_id}/export", OTHER_ADMIN).status_code == 404
