"""The outbox relay against the real broker: a batch is published at once and confirmed at
once; rows are marked sent only when the broker has confirmed every message of their batch."""
import json
import uuid

import pytest
from kombu import Connection, Queue
from sqlalchemy import MetaData, create_engine, insert, select

from kring.clock import utcnow
from kring.kit.outbox import BATCH, OutboxRelay, PublishRefused
from kring.kit.tables import add_kit_tables
from kring.kit.topology import event_exchange

SERVICE = "outboxtest"


@pytest.fixture
def outbox(tmp_path):
    metadata = MetaData()
    table = add_kit_tables(metadata)[0]
    engine = create_engine(f"sqlite:///{tmp_path / 'outbox.sqlite'}")
    metadata.create_all(engine)
    yield engine, table
    engine.dispose()


@pytest.fixture
def relay(outbox, rabbit_config):
    engine, table = outbox
    made = OutboxRelay(SERVICE, engine, table, rabbit_config["AMQP_URI"])
    yield made
    made.stop()


def queued(rabbit_config, **arguments):
    """A queue of the test's own bound to the relay's exchange for every event type."""
    name = f"test.outbox.{uuid.uuid4().hex[:8]}"
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        exchange = event_exchange(SERVICE)(connection.default_channel)
        exchange.declare()
        Queue(name, exchange=exchange, routing_key="#", durable=False, auto_delete=False,
              queue_arguments=arguments or None)(connection.default_channel).declare()
    return name


def drained(rabbit_config, name):
    bodies = []
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = Queue(name)(connection.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            bodies.append(message.payload)
        queue.delete()
    return bodies


def add_events(outbox, count):
    engine, table = outbox
    with engine.begin() as db:
        db.execute(insert(table), [
            {"event_id": str(uuid.uuid4()), "event_type": "thing_happened",
             "body": json.dumps({"n": n}), "created_at": utcnow()} for n in range(count)])


def unsent(outbox):
    engine, table = outbox
    with engine.connect() as db:
        return db.execute(select(table.c.id).where(table.c.sent_at.is_(None))).all()


def test_batches_are_published_in_order_and_marked_sent(relay, outbox, rabbit_config):
    name = queued(rabbit_config)
    add_events(outbox, BATCH * 2 + 50)
    assert [relay.publish_pending() for _ in range(4)] == [BATCH, BATCH, 50, 0]
    assert unsent(outbox) == []
    assert [body["n"] for body in drained(rabbit_config, name)] == list(range(BATCH * 2 + 50))


def test_a_batch_the_broker_refuses_in_part_stays_unsent(relay, outbox, rabbit_config):
    """A queue that rejects what exceeds its length makes the broker nack those messages: the
    whole batch stays in the outbox to be sent again (its first messages twice, which the
    inbox of every consumer makes harmless)."""
    name = queued(rabbit_config, **{"x-max-length": 5, "x-overflow": "reject-publish"})
    add_events(outbox, 8)
    with pytest.raises(PublishRefused):
        relay.publish_pending()
    assert len(unsent(outbox)) == 8
    assert len(drained(rabbit_config, name)) == 5
    # with room again, the same batch goes and is marked sent
    assert relay.publish_pending() == 8
    assert unsent(outbox) == []
