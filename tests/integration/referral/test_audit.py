"""getAudit (docs/contract.md §7): who read or changed a referral, gathered from all five
services, for the admin of the organisation it is routed to and nobody else. The other four
services are stand-ins here (tests/support/integration/referral.py); the end-to-end tests
gather from the real ones."""
import pytest

from kring.clock import iso, utcnow
from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from services.referral.service import ReferralService
from tests.support.directory import COORDINATING_ORG
from tests.support.integration.referral import (ADMIN, COORDINATOR, OTHER_ADMIN,
                                                OTHER_SERVICES, REFERRER, trail_stub)
from tests.support.sample import referral_body

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def start(container_factory, kring_config):
    """Start the referral service and stand-ins for `others` (default: all four)."""

    def started(others=OTHER_SERVICES):
        for service in others:
            container_factory(trail_stub(service, iso(utcnow())), kring_config).start()
        container_factory(ReferralService, kring_config).start()

    return started


def submitted(api):
    answer = api.post("/referrals", REFERRER, json=referral_body())
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def trail(api, referral_id, who=ADMIN):
    answer = api.get(f"/referrals/{referral_id}/audit", who)
    assert answer.status_code == 200, answer.text
    assert answer.json()["referral_id"] == referral_id
    return answer.json()["entries"]


def test_the_admin_of_the_routed_organisation_reads_every_service_in_time_order(start, api):
    start()
    referral_id = submitted(api)
    assert api.post("/referrals", REFERRER, json=referral_body()).status_code == 200  # again
    assert api.get(f"/referrals/{referral_id}", COORDINATOR).status_code == 200
    entries = trail(api, referral_id)
    own = [(e["operation"], e["person"], e["organisation"], e["role"], e["answer"])
           for e in entries if e["service"] == "referral"]
    assert own == [
        ("submitReferral", "referrer-of-huisarts-oost", "huisarts-oost", "referrer", 201),
        ("submitReferral", "referrer-of-huisarts-oost", "huisarts-oost", "referrer", 200),
        ("getReferral", f"coordinator-of-{COORDINATING_ORG}", COORDINATING_ORG,
         "coordinator", 200)]
    assert {e["service"] for e in entries} == {"referral", *OTHER_SERVICES}
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)
    # the read of the trail is itself in the trail
    assert [e["operation"] for e in trail(api, referral_id)].count("getAudit") == 1


def test_nobody_else_reads_the_trail_and_the_attempt_is_recorded(start, api):
    start()
    referral_id = submitted(api)
    refused = api.get(f"/referrals/{referral_id}/audit", OTHER_ADMIN)
    unknown = api.get(f"/referrals/{UNKNOWN_ID}/audit", OTHER_ADMIN)
    assert refused.status_code == unknown.status_code == 404
    assert refused.json()["message"].replace(referral_id, UNKNOWN_ID) == unknown.json()["message"]
    for who in (COORDINATOR, REFERRER):  # a role that never reads the trail
        assert api.get(f"/referrals/{referral_id}/audit", who).status_code == 403
    attempts = [(e["organisation"], e["answer"]) for e in trail(api, referral_id)
                if e["operation"] == "getAudit"]
    assert ("home-start-west", 404) in attempts


def test_a_service_that_does_not_answer_makes_it_503_naming_the_service(start, api):
    start([service for service in OTHER_SERVICES if service != "aftercare"])
    referral_id = submitted(api)
    answer = api.get(f"/referrals/{referral_id}/audit", ADMIN)
    assert answer.status_code == 503, answer.text
    assert "aftercare" in answer.json()["message"]
    # out of reach stays out of reach, whatever else is the matter
    assert api.get(f"/referrals/{referral_id}/audit", OTHER_ADMIN).status_code == 404


def test_a_read_whose_record_cannot_be_stored_gives_nothing_away(start, api, kring_config):
    # the answer waits for its record's commit (docs/security.md "The audit trail")
    start()
    body = referral_body()
    referral_id = submitted(api)
    engine = make_engine(kring_config[DATABASES_KEY]["referral"])
    with engine.begin() as db:
        db.exec_driver_sql("ALTER TABLE audit RENAME TO audit_away")
    try:
        answer = api.get(f"/referrals/{referral_id}", COORDINATOR)
        assert answer.status_code >= 500
        assert body["family"]["contact_name"] not in answer.text
    finally:
        with engine.begin() as db:
            db.exec_driver_sql("ALTER TABLE audit_away RENAME TO audit")
        engine.dispose()
    assert api.get(f"/referrals/{referral_id}", COORDINATOR).status_code == 200
    reads = [e["answer"] for e in trail(api, referral_id) if e["operation"] == "getReferral"]
    assert reads == [200]  # the read that answered, not the one that could not be recorded
