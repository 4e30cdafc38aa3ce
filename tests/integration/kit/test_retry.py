"""A failing handler is retried with back-off, then parked; `kring dlq` reads and replays it."""
import json

import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter

from kring import dlq
from kring.contracts.events import make_event
from kring.contracts import topology
from kring.kit.events import on_events
from kring.kit.topology import event_exchange
from kring.config import RETRY_DELAYS_KEY
from kring.contracts.topology import dead_letter_queue_name
from kring.kit.retry import ERROR_HEADER

FAILURES = {"left": 0}
HANDLED = []


class FlakyService:
    name = "notify"  # borrows a real service name: its dead-letter queue is the one kring dlq reads

    @on_events("referral")
    def on_withdrawn(self, event):
        if FAILURES["left"]:
            FAILURES["left"] -= 1
            raise RuntimeError("database is away")
        HANDLED.append(event.event_id)


@pytest.fixture
def flaky(container_factory, sqlite_config, monkeypatch):
    HANDLED.clear()
    # a throw-away handler: its subscription exists for this test only
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [
        *topology.SUBSCRIPTIONS, ("notify", "on_withdrawn", "referral", ("referral_withdrawn",))])
    config = dict(sqlite_config, **{RETRY_DELAYS_KEY: [0.05, 0.1]})
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


def succeeded(_worker_ctx, _result, exc_info):
    return exc_info is None


def test_a_failing_handler_is_retried_until_it_succeeds(flaky, sqlite_config):
    FAILURES["left"] = 2
    event = withdrawn()
    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        publish(sqlite_config["AMQP_URI"], event)
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(sqlite_config["AMQP_URI"])["notify"] == 0


def test_a_message_that_keeps_failing_is_parked_and_can_be_replayed(flaky, sqlite_config):
    uri = sqlite_config["AMQP_URI"]
    FAILURES["left"] = 3  # the first attempt and both retries
    event = withdrawn()
    calls = []
    with entrypoint_waiter(flaky, "on_withdrawn", timeout=20,
                           callback=lambda *args: calls.append(1) or len(calls) == 3):
        publish(uri, event)
    # the third failure publishes to the dead-letter queue with a confirm before acking
    parked = dlq.peek(uri, "notify")
    assert len(parked) == 1 and dlq.counts(uri)["notify"] == 1  # peeking leaves it there
    # the kind of failure, not its message, which might quote family data (kring.kit.failures)
    assert parked[0].error == "RuntimeError" and parked[0].attempts == 3
    assert parked[0].queue.startswith("kring.notify.on_withdrawn")
    assert json.loads(parked[0].body)["event_id"] == event["event_id"]
    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        assert dlq.replay(uri, "notify") == 1
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(uri)["notify"] == 0


def next_parked_headers(uri, service, timeout=20):
    """Wait (blocking on the queue, no polling) for a parked message; leave it in place."""
    queue = Queue(dead_letter_queue_name(service), durable=True)
    with Connection(uri) as conn:
        simple = conn.SimpleQueue(queue)
        try:
            message = simple.get(block=True, timeout=timeout)
            message.requeue()
            return message.headers
        finally:
            simple.close()


def test_an_unreadable_event_is_parked_at_once(flaky, sqlite_config):
    uri = sqlite_config["AMQP_URI"]
    publish(uri, {"not": "an event"})
    assert next_parked_headers(uri, "notify")[ERROR_HEADER].startswith("unreadable event")
    good = withdrawn()
    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        publish(uri, good)  # the service is still up and handling
    assert HANDLED == [good["event_id"]]
    assert dlq.purge(uri, "notify") == 1
