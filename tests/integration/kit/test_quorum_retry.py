"""Retry and parking on quorum queues (KRING_QUEUE_TYPE=quorum, as compose and Kubernetes run).

A quorum queue dead-letters an expired message only at-most-once unless it is declared with
`x-dead-letter-strategy: at-least-once` and `x-overflow: reject-publish` (RabbitMQ 3.10 and
later): here a failing event goes through each delay queue and back, the broker's own x-death
header saying it expired there, and ends parked, on a vhost of the test's own.
"""
import json

import pytest
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter

from kring import dlq
from kring.config import QUEUE_TYPE_KEY, RETRY_DELAYS_KEY
from kring.contracts import topology
from kring.contracts.events import make_event
from kring.kit.crypto import read_stored
from kring.contracts.topology import dead_letter_queue_name, delay_queue_name, queue_name
from kring.kit.topology import delay_queue, event_exchange
from tests.support.flaky import FAILURES, HANDLED, FlakyService, stored_parked

DELAYS = [0.05, 0.1]


@pytest.fixture
def flaky(container_factory, sqlite_config, monkeypatch):
    HANDLED.clear()
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [
        *topology.SUBSCRIPTIONS, ("notify", "on_withdrawn", "referral", ("referral_withdrawn",))])
    config = dict(sqlite_config, **{RETRY_DELAYS_KEY: DELAYS, QUEUE_TYPE_KEY: "quorum"})
    container = container_factory(FlakyService, config)
    container.start()
    return container


def publish(amqp_uri, body):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange=event_exchange("referral"),
                                routing_key="referral_withdrawn", serializer="json",
                                declare=[event_exchange("referral")])


def withdrawn():
    return make_event("referral", "referral_withdrawn", "r-1", by_role="family").to_message()


def parked_headers(uri, timeout=20):
    """Wait (blocking on the queue, no polling) for the parked message; leave it in place."""
    with Connection(uri) as conn:
        simple = conn.SimpleQueue(Queue(dead_letter_queue_name("notify"), no_declare=True))
        try:
            message = simple.get(block=True, timeout=timeout)
            message.requeue()
            return message.headers
        finally:
            simple.close()


def test_the_service_declares_quorum_queues_that_dead_letter_at_least_once(
        flaky, rabbit_manager, rabbit_config):
    vhost = rabbit_config["vhost"]
    source = queue_name("notify", "on_withdrawn", "referral")
    assert rabbit_manager.get_queue(vhost, source)["type"] == "quorum"
    assert rabbit_manager.get_queue(vhost, dead_letter_queue_name("notify"))["type"] == "quorum"
    for seconds in DELAYS:
        delayed = rabbit_manager.get_queue(vhost, delay_queue_name(source, seconds))
        assert delayed["type"] == "quorum"
        assert delayed["arguments"]["x-dead-letter-strategy"] == "at-least-once"
        assert delayed["arguments"]["x-overflow"] == "reject-publish"
        assert delayed["arguments"]["x-dead-letter-routing-key"] == source


def test_a_failing_event_goes_through_each_delay_queue_and_back_then_is_parked(
        flaky, sqlite_config):
    uri = sqlite_config["AMQP_URI"]
    FAILURES["left"] = 3  # the first attempt and both retries
    event = withdrawn()
    calls = []
    with entrypoint_waiter(flaky, "on_withdrawn", timeout=20,
                           callback=lambda *args: calls.append(1) or len(calls) == 3):
        publish(uri, event)
    parked_headers(uri)  # the note is in the dead-letter queue; the message is kept aside
    (row,) = stored_parked(sqlite_config)
    # sealed at rest: the JSON column holds the sealed text, which opens to the JSON headers
    headers = json.loads(read_stored(json.loads(row["headers"]), "parked", "headers"))
    source = queue_name("notify", "on_withdrawn", "referral")
    # the broker's own record, kept with the message: it expired in each delay queue and came
    # back
    deaths = json.dumps(headers["x-death"])  # the broker's own record, as the lot keeps it
    assert "expired" in deaths
    assert all(delay_queue_name(source, seconds) in deaths for seconds in DELAYS)
    (parked,) = dlq.peek(uri, "notify")
    assert (parked.error, parked.attempts, parked.queue) == ("RuntimeError", 3, source)
    # replayed from the quorum dead-letter queue, it is handled
    with entrypoint_waiter(flaky, "on_withdrawn", timeout=20,
                           callback=lambda _ctx, _result, exc_info: exc_info is None):
        assert dlq.replay(uri, "notify").replayed == 1
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(uri)["notify"] == 0


def test_a_service_of_the_other_queue_type_does_not_start(container_factory, sqlite_config,
                                                          monkeypatch):
    """A queue keeps its first type: the broker refuses the other, and the service says so at
    start rather than run beside queues it did not mean (README "Moving the queues to quorum
    queues")."""
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [
        *topology.SUBSCRIPTIONS, ("notify", "on_withdrawn", "referral", ("referral_withdrawn",))])
    # as a classic deployment left it: its retries are declared first, when the service is set up
    source = queue_name("notify", "on_withdrawn", "referral")
    with Connection(sqlite_config["AMQP_URI"]) as conn:
        delay_queue(source, DELAYS[0], "classic")(conn.default_channel).declare()
    config = dict(sqlite_config, **{RETRY_DELAYS_KEY: DELAYS, QUEUE_TYPE_KEY: "quorum"})
    container = container_factory(FlakyService, config)
    with pytest.raises(PreconditionFailed, match="inequivalent arg"):
        container.start()
