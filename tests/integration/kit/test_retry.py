"""A failing handler is retried with back-off, then parked: its body sealed in the service's
database, a note without it in the dead-letter queue; `kring dlq` reads, replays and purges it
through the service."""
import json
import sqlite3

import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter

from kring import dlq
from kring.config import DATABASES_KEY, RETRY_DELAYS_KEY
from kring.contracts import topology
from kring.contracts.events import make_event
from kring.contracts.topology import dead_letter_queue_name
from kring.kit.crypto import SEALED
from kring.kit.db import make_engine
from kring.kit.parking import PARKED_ID_HEADER, TYPE_HEADER
from kring.kit.retry import ERROR_HEADER
from kring.kit.topology import event_exchange
from tests.support.erasure import received_again
from tests.support.flaky import FAILURES, HANDLED, FlakyService, stored_parked

ADDRESS = "j.devries@example.org"  # family-related data in the failing message


def start_flaky(container_factory, config, monkeypatch):
    HANDLED.clear()
    # a throw-away handler: its subscription exists for this test only
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [
        *topology.SUBSCRIPTIONS, ("notify", "on_withdrawn", "referral",
                                   ("referral_withdrawn", "referral_received"))])
    container = container_factory(FlakyService, dict(config, **{RETRY_DELAYS_KEY: [0.05, 0.1]}))
    container.start()
    return container


@pytest.fixture
def flaky(container_factory, kring_config, monkeypatch):
    """On SQLite and on PostgreSQL: a parked body is stored in either."""
    return start_flaky(container_factory, kring_config, monkeypatch)


@pytest.fixture
def flaky_on_sqlite(container_factory, sqlite_config, monkeypatch):
    return start_flaky(container_factory, sqlite_config, monkeypatch)


def publish(amqp_uri, body, routing_key="referral_withdrawn"):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange=event_exchange("referral"),
                                routing_key=routing_key, serializer="json",
                                declare=[event_exchange("referral")])


def withdrawn():
    return make_event("referral", "referral_withdrawn", "r-1", by_role="family").to_message()


def received():
    """An event with family-related data in it: the referrer's address."""
    message = received_again("r-1").to_message()
    assert ADDRESS in json.dumps(message)
    return message


def succeeded(_worker_ctx, _result, exc_info):
    return exc_info is None


def test_a_failing_handler_is_retried_until_it_succeeds(flaky, kring_config):
    FAILURES["left"] = 2
    event = withdrawn()
    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        publish(kring_config["AMQP_URI"], event)
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(kring_config["AMQP_URI"])["notify"] == 0


def park_one(flaky, uri):
    FAILURES["left"] = 3  # the first attempt and both retries
    event = received()
    calls = []
    with entrypoint_waiter(flaky, "on_withdrawn", timeout=20,
                           callback=lambda *args: calls.append(1) or len(calls) == 3):
        publish(uri, event, "referral_received")
    return event


def test_a_message_that_keeps_failing_is_parked_and_can_be_replayed(flaky, kring_config):
    uri = kring_config["AMQP_URI"]
    event = park_one(flaky, uri)
    # the third failure keeps the body in the database, then notes it in the dead-letter
    # queue with a confirm, before acking
    parked = dlq.peek(uri, "notify")
    assert len(parked) == 1 and dlq.counts(uri)["notify"] == 1  # peeking leaves it there
    [note] = parked
    # the kind of failure, not its message, which might quote family data (kring.kit.failures)
    assert note.error == "RuntimeError" and note.attempts == 3
    assert note.queue.startswith("kring.notify.on_withdrawn")
    assert note.message_type == "referral_received" and note.parked_id
    # the note holds no body: only the id of the row that keeps it
    assert ADDRESS not in note.body and json.loads(note.body) == {
        "parked_id": note.parked_id, "type": "referral_received"}
    [row] = stored_parked(kring_config)
    assert row["id"] == note.parked_id and row["referral_id"] == "r-1"
    assert SEALED.match(row["body"]) and ADDRESS not in json.dumps(row, default=str)
    # the service opens it for an operator who asks
    kept = dlq.bodies(uri, "notify", parked)[note.parked_id]
    assert json.loads(kept["body"])["event_id"] == event["event_id"]
    assert ADDRESS in kept["body"]

    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        assert dlq.replay(uri, "notify") == dlq.Replayed(1, 0)
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(uri)["notify"] == 0
    assert stored_parked(kring_config) == []  # replayed: no longer kept


def test_a_note_whose_body_is_gone_is_removed_by_a_replay(flaky, kring_config):
    uri = kring_config["AMQP_URI"]
    park_one(flaky, uri)
    [note] = dlq.peek(uri, "notify")
    engine = make_engine(kring_config[DATABASES_KEY]["notify"])
    with engine.begin() as db:  # as an erasure or the retention period does
        db.exec_driver_sql("DELETE FROM parked")
    engine.dispose()
    assert dlq.replay(uri, "notify") == dlq.Replayed(0, 1)
    assert dlq.counts(uri)["notify"] == 0 and HANDLED == []


def test_purge_deletes_the_notes_and_the_bodies(flaky, kring_config):
    uri = kring_config["AMQP_URI"]
    park_one(flaky, uri)
    assert dlq.purge(uri, "notify") == 1
    assert dlq.counts(uri)["notify"] == 0 and stored_parked(kring_config) == []


def test_a_message_waits_on_the_broker_while_the_database_cannot_keep_it(flaky_on_sqlite,
                                                                          sqlite_config,
                                                                          caplog):
    flaky = flaky_on_sqlite
    uri = sqlite_config["AMQP_URI"]
    path = sqlite_config[DATABASES_KEY]["notify"].split("///", 1)[1]
    with sqlite3.connect(path) as db:  # as a full disk would
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON parked "
                   "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END")
    FAILURES["left"] = 5  # the first attempt, both retries, then twice at the last delay
    event = received()
    calls = []
    with entrypoint_waiter(flaky, "on_withdrawn", timeout=20,
                           callback=lambda *args: calls.append(1) or len(calls) == 6):
        publish(uri, event, "referral_received")
    # not parked (nowhere to keep its body) and not lost: tried again, after the last delay
    # each time (not at once, in a loop), until it went through
    waits = [record for record in caplog.records
             if record.getMessage().startswith("could not park a message of kring.notify")]
    assert len(waits) == 3 and all("waits 0.1s" in record.getMessage() for record in waits)
    assert HANDLED == [event["event_id"]]
    assert dlq.counts(uri)["notify"] == 0 and stored_parked(sqlite_config) == []


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


def test_an_unreadable_event_is_parked_at_once(flaky, kring_config):
    uri = kring_config["AMQP_URI"]
    publish(uri, {"not": "an event"})
    headers = next_parked_headers(uri, "notify")
    assert headers[ERROR_HEADER].startswith("unreadable event")
    # delivered as referral_withdrawn: its type is the routing key it came with
    assert headers[TYPE_HEADER] == "referral_withdrawn" and headers[PARKED_ID_HEADER]
    good = withdrawn()
    with entrypoint_waiter(flaky, "on_withdrawn", callback=succeeded, timeout=20):
        publish(uri, good)  # the service is still up and handling
    assert HANDLED == [good["event_id"]]
    assert dlq.purge(uri, "notify") == 1
