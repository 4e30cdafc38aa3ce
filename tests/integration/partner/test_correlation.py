"""A partner's message seeds the correlation id of what it causes (docs/contract.md §8): the
reply it gets and the referral's first event carry it, as the AMQP `correlation_id`."""
import json

from kombu import Connection

from tests.support.events import listening_to
from tests.support.sample import referral_body


def next_reply(client, timeout=15):
    """The partner's next update as it came, properties and all."""
    with Connection(client.amqp_uri) as conn:
        queue = conn.SimpleQueue(client.updates_queue())
        try:
            message = queue.get(block=True, timeout=timeout)
            message.ack()
            return message
        finally:
            queue.close()


def test_a_partners_message_id_is_the_correlation_id_of_its_reply_and_events(
        partners, kring_config):
    client = partners()
    with listening_to(kring_config["AMQP_URI"], "referral") as published:
        client.submit_referral(referral_body("CORR-1"), message_id="partner-msg-77")
        reply = next_reply(client)
        event = published.next_message()
    assert json.loads(reply.body)["type"] == "accepted"
    assert reply.properties["correlation_id"] == "partner-msg-77"
    assert json.loads(event.body)["correlation_id"] == "partner-msg-77"
    assert event.properties["correlation_id"] == "partner-msg-77"


def test_a_refused_message_is_answered_under_its_own_id_too(partners):
    client = partners()
    client.submit_referral({"programme": "home-start"}, message_id="partner-msg-bad")
    reply = next_reply(client)
    assert json.loads(reply.body)["type"] == "rejected"
    assert reply.properties["correlation_id"] == "partner-msg-bad"
