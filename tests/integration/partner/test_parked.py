"""A partner's submission that fails for a fault on our side through every retry is parked: the
submission, family and all, is kept sealed in the referral database, the dead-letter queue holds
a note without it; erasing the referral the partner submitted after all takes the parked copy
with it."""
import json
import sqlite3
import uuid

import pytest

from kring import dlq
from kring.clock import utcnow
from kring.config import DATABASES_KEY, RETRY_DELAYS_KEY
from kring.contracts.partner_queues import INBOUND_QUEUE, SUBMIT_KEY
from services.referral import handlers
from services.referral.service import ReferralService
from tests.support.databases import unit_of_work
from tests.support.integration.partner import make_partner, next_update
from tests.support.sample import referral_body
from tests.support.waiting import eventually


@pytest.fixture
def service(container_factory, sqlite_config):
    config = dict(sqlite_config, **{RETRY_DELAYS_KEY: [0.05, 0.1]})
    container = container_factory(ReferralService, config)
    container.start()
    return container


@pytest.fixture
def partner(rabbit_manager, rabbit_config, service):
    client = make_partner(rabbit_manager, rabbit_config, f"p-{uuid.uuid4().hex[:8]}")
    yield client
    rabbit_manager._delete("users", client.partner)


def refusing_referrals(config):
    """The referral database refuses every new referral (as a full disk would)."""
    path = config[DATABASES_KEY]["referral"].split("///", 1)[1]
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON referrals "
                   "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END")

    def allow_again():
        with sqlite3.connect(path) as db:
            db.execute("DROP TRIGGER refuse")
    return allow_again


def test_a_parked_submission_is_kept_sealed_and_goes_with_the_referrals_erasure(
        service, partner, sqlite_config):
    uri = sqlite_config["AMQP_URI"]
    allow_again = refusing_referrals(sqlite_config)
    body = referral_body("PARK-1")
    message_id = partner.submit_referral(body)
    eventually(lambda: dlq.counts(uri)["referral"] == 1, what="the submission to be parked")
    [note] = dlq.peek(uri, "referral")
    assert (note.queue, note.message_type, note.message_id) == (INBOUND_QUEUE, SUBMIT_KEY,
                                                                message_id)
    family = body["family"]["contact_name"]
    assert family not in note.body and json.loads(note.body)["parked_id"] == note.parked_id
    kept = dlq.bodies(uri, "referral", [note])[note.parked_id]
    assert json.loads(kept["body"])["family"]["contact_name"] == family

    # the partner sends the referral again once we are back: it is accepted
    allow_again()
    partner.submit_referral(body)
    accepted = next_update(partner)
    assert accepted["type"] == "accepted" and accepted["external_ref"] == "PARK-1"

    state = handlers.erase_by_operator(unit_of_work(service), accepted["referral_id"],
                                       "the family asked", "operator", utcnow())
    assert state is not None
    # the parked copy was this referral (the same partner, the same external_ref): gone with it
    assert dlq.bodies(uri, "referral", [note]) == {}
    assert dlq.replay(uri, "referral") == dlq.Replayed(0, 1)
    assert dlq.counts(uri)["referral"] == 0


def test_another_partners_parked_submission_stays(service, partner, sqlite_config,
                                                  rabbit_manager, rabbit_config):
    uri = sqlite_config["AMQP_URI"]
    allow_again = refusing_referrals(sqlite_config)
    partner.submit_referral(referral_body("PARK-2"))
    eventually(lambda: dlq.counts(uri)["referral"] == 1, what="the submission to be parked")
    allow_again()
    other = make_partner(rabbit_manager, rabbit_config, f"p-{uuid.uuid4().hex[:8]}")
    try:
        other.submit_referral(referral_body("PARK-2"))  # the same external_ref, another org
        accepted = next_update(other)
        handlers.erase_by_operator(unit_of_work(service), accepted["referral_id"],
                                   "the family asked", "operator", utcnow())
    finally:
        rabbit_manager._delete("users", other.partner)
    [note] = dlq.peek(uri, "referral")
    assert list(dlq.bodies(uri, "referral", [note])) == [note.parked_id]
