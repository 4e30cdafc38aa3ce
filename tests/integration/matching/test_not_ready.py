"""An intake for a referral the referral service accepted and matching has not heard of yet,
on the real broker (docs/contract.md §4 "Error answers"): its coordinators are told `409
not_ready` with `Retry-After`, everyone else an unknown id's 404, and once matching has heard
of it the intake is taken.

The window is held open, not waited out: matching runs its HTTP side only, so nothing of it
consumes the referral service's events; `referral_received` waits in a queue of the test's own
until the test hands it to a whole matching service.
"""
import json

import pytest
from nameko.testing.services import restrict_entrypoints

from kring.config import AMQP_URI_KEY
from kring.contracts.events import read_event
from kring.rpc import call
from services.matching.service import MatchingService
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.events import deliver, listening_to
from tests.support.sample import referral_body

REFERRER = token("huisarts-oost", "referrer")
COORDINATOR = token(COORDINATING_ORG, "coordinator")  # the referral is routed to it
OTHER_COORDINATOR = token(OTHER_COORDINATING_ORG, "coordinator")
UNKNOWN = "6f1c3a52-0d7e-4c1b-9a55-1f0e8a3b2c11"


def intake_of(referral_id):
    return {"referral_id": referral_id, "fits": True, "severity": "medium",
            "reason": "intake held"}


@pytest.fixture
def announced(sqlite_config):
    """What the referral service publishes, bound before it starts: matching's copy to come."""
    with listening_to(sqlite_config[AMQP_URI_KEY], "referral") as events:
        yield events


@pytest.fixture
def referral_service(container_factory, sqlite_config, announced):
    container = container_factory(ReferralService, sqlite_config)
    restrict_entrypoints(container, "submit_referral", "referral_owner")
    container.start()
    return container


@pytest.fixture
def intakes_only(container_factory, sqlite_config):
    """Matching's intake over HTTP, and nothing that hears events."""
    container = container_factory(MatchingService, sqlite_config)
    restrict_entrypoints(container, "record_intake")
    container.start()
    return container


def test_its_coordinator_is_told_not_ready_others_not_found_and_then_it_is_taken(
        referral_service, intakes_only, announced, container_factory, sqlite_config, api):
    submitted = api.post("/referrals", REFERRER, json=referral_body("NR-1"))
    assert submitted.status_code == 201, submitted.text
    referral_id = submitted.json()["referral_id"]

    waiting = api.post("/intakes", COORDINATOR, json=intake_of(referral_id))
    assert waiting.status_code == 409, waiting.text
    assert waiting.json()["error"] == "not_ready"
    assert waiting.headers["Retry-After"] == "1"

    unknown = api.post("/intakes", COORDINATOR, json=intake_of(UNKNOWN))
    assert (unknown.status_code, unknown.json()) == (404, {
        "error": "not_found", "message": f"no referral {UNKNOWN}"})
    assert "Retry-After" not in unknown.headers
    theirs = api.post("/intakes", OTHER_COORDINATOR, json=intake_of(referral_id))
    assert (theirs.status_code, theirs.json()) == (404, {
        "error": "not_found", "message": f"no referral {referral_id}"})
    assert "Retry-After" not in theirs.headers

    # matching hears of it: the whole service, on the same database, handed the held event
    intakes_only.stop()
    matching = container_factory(MatchingService, sqlite_config)
    matching.start()
    received = announced.next_of_type("referral_received")
    deliver(matching, sqlite_config[AMQP_URI_KEY], read_event(received))
    taken = api.post("/intakes", COORDINATOR, json=intake_of(referral_id))
    assert taken.status_code == 201, taken.text
    assert taken.json()["referral_id"] == referral_id
    again = api.post("/intakes", OTHER_COORDINATOR, json=intake_of(referral_id))
    assert (again.status_code, again.json()) == (404, json.loads(theirs.text))
    # every attempt is in matching's audit trail, with the answer it got
    trail = call(sqlite_config[AMQP_URI_KEY], "matching", "audit_trail", referral_id)
    assert [(entry["organisation"], entry["answer"]) for entry in trail] == [
        (COORDINATING_ORG, 409), (OTHER_COORDINATING_ORG, 404), (COORDINATING_ORG, 201),
        (OTHER_COORDINATING_ORG, 404)]


def test_without_the_referral_service_every_id_is_unavailable_alike(intakes_only, api):
    for referral_id in (UNKNOWN, "r-made-up"):
        answer = api.post("/intakes", COORDINATOR, json=intake_of(referral_id))
        assert (answer.status_code, answer.json()["error"]) == (503, "unavailable"), \
            answer.text
        assert answer.headers["Retry-After"]
