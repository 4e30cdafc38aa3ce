"""The outbox relay: publishes committed events, with publisher confirms, then marks them sent.

A batch is published at once and then confirmed at once: the broker's acknowledgements of a
whole batch come back together (often as one `multiple` ack), where waiting for each message's
confirm before the next one cost a round trip per event under load. Rows are marked sent only
when every message of the batch was confirmed; a nack or a lost connection leaves the batch
unsent, to be published again (the inbox makes a second copy harmless).

A crash between a commit and its publish leaves the event in the outbox, and the relay sends it
after the restart: delayed, never lost. A crash between the publish and the marking sends it
twice, which is why every consumer is idempotent (the inbox); so does a power failure that undoes
a mark (`undone_by_power_failure`). One relay runs per service process;
it wakes when a worker has committed events, and polls as a safety net.
"""
import json
import logging
from contextlib import contextmanager
from typing import NamedTuple

from eventlet.queue import Empty, LightQueue
from sqlalchemy import select, update

from kring.clock import utcnow
from kring.kit.broker import connect, let_go
from kring.kit.failures import describe
from kring.kit.topology import event_exchange, topic_exchange

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
BATCH = 200
CONFIRM_SECONDS = 30.0  # a broker that has not confirmed by then is treated as gone


class Message(NamedTuple):
    """A message for an exchange other than the service's own events (a partner update)."""
    exchange: str
    routing_key: str
    body: dict
    message_id: str


def outgoing_table(table):
    """The unit of work's `outgoing` from a service's table {domain event class: translate},
    where translate(aggregate, event) gives a contract Event, a Message, a list of them, or
    None (nothing leaves the service)."""
    def outgoing(aggregate, event):
        translate = table.get(type(event))
        if translate is None:
            raise TypeError(f"no outgoing message for {event!r}: add it to the outgoing table")
        messages = translate(aggregate, event)
        if messages is None:
            return []
        return messages if isinstance(messages, list) else [messages]
    return outgoing


class OutboxRelay:
    def __init__(self, service, engine, outbox, amqp_uri, declare_topology=None, ssl=None):
        self.declare_topology = declare_topology
        self.exchange = event_exchange(service)
        self._declared = set()
        self.engine = engine
        self.outbox = outbox
        self.amqp_uri, self.ssl = amqp_uri, ssl
        self._wake = LightQueue()
        self._connection = self._channel = self._confirms = None

    def kick(self):
        self._wake.put(None)

    def run(self):
        while True:
            try:
                while self.publish_pending() == BATCH:
                    pass
            except Exception as exc:  # broker or database away: keep the rows, try again soon
                log.warning("outbox relay could not publish yet (%s); will retry",
                            describe(exc))
                self._close()
            self._wait()

    def _wait(self):
        try:
            self._wake.get(timeout=POLL_SECONDS)
            while True:  # one wake-up for every kick that came in meanwhile
                self._wake.get_nowait()
        except Empty:
            pass

    def publish_pending(self):
        """Publish up to BATCH unsent events in order; returns how many were sent."""
        with self.engine.connect() as db:
            rows = db.execute(select(self.outbox.c.id, self.outbox.c.event_id,
                                     self.outbox.c.event_type, self.outbox.c.exchange,
                                     self.outbox.c.body, self.outbox.c.correlation_id)
                              .where(self.outbox.c.sent_at.is_(None))
                              .order_by(self.outbox.c.id).limit(BATCH)).all()
        if not rows:
            return 0
        producer, confirms = self._producer()
        for row in rows:
            exchange = topic_exchange(row.exchange) if row.exchange else self.exchange
            # declared once per connection: nameko's consumers or the deploy definitions may
            # not have made it yet, and a publish to a missing exchange is an error
            declare = [] if exchange.name in self._declared else [exchange]
            producer.publish(json.loads(row.body), exchange=exchange,
                             routing_key=row.event_type, serializer="json",
                             delivery_mode=2, message_id=row.event_id, declare=declare,
                             **_correlated(row.correlation_id))
            confirms.published()
            self._declared.add(exchange.name)
        confirms.wait(self._connection, CONFIRM_SECONDS)
        with undone_by_power_failure(self.engine) as db:
            db.execute(update(self.outbox).where(self.outbox.c.id.in_([row.id for row in rows]))
                       .values(sent_at=utcnow()))
        return len(rows)

    def _producer(self):
        if self._connection is None:
            self._connection = connect(self.amqp_uri, self.ssl)
            self._connection.ensure_connection(max_retries=1)
            if self.declare_topology is not None:  # every queue exists before our first event
                self.declare_topology(self._connection)
            channel = self._connection.channel()
            self._confirms = Confirms(channel)
            self._channel = channel
        return self._connection.Producer(self._channel), self._confirms

    def _close(self):
        self._declared.clear()
        if self._connection is not None:
            let_go(self._connection)
            self._connection = self._channel = self._confirms = None

    def stop(self):
        self._close()


@contextmanager
def undone_by_power_failure(engine):
    """A transaction whose commit does not wait for the disk: a power failure (not a crash of
    the process) may undo it. Only for what may harmlessly happen again: the relay's marks,
    which, undone, send their events once more, as a crash between the publish and the mark
    does. Every other commit stays durable, and makes this one durable too: SQLite's WAL is
    one file, and the next full commit flushes all of it; PostgreSQL's log likewise.

    The flush of a commit was the most of what marking a batch sent cost (milliseconds each,
    the whole process standing still while SQLite waits for it)."""
    with engine.connect() as db:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # SQLite takes it outside a transaction only, for the connection
            raw = db.connection.dbapi_connection
            (level,) = raw.execute("PRAGMA synchronous").fetchone()
            raw.execute("PRAGMA synchronous=NORMAL")
        try:
            with db.begin():
                if engine.dialect.name == "postgresql":
                    db.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield db
        finally:
            if sqlite:  # the connection goes back to the pool as it came
                raw.execute(f"PRAGMA synchronous={int(level)}")


class Confirms:
    """The publisher confirms of one channel: the delivery tags published and not yet
    acknowledged by the broker. Tags count from 1 per channel, in publish order; an ack with
    `multiple` covers every tag up to its own."""

    def __init__(self, channel):
        channel.confirm_select()
        channel.events["basic_ack"].add(self._ack)
        channel.events["basic_nack"].add(self._nack)
        self.last_tag = 0
        self.unconfirmed = set()
        self.nacked = False

    def published(self):
        self.last_tag += 1
        self.unconfirmed.add(self.last_tag)

    def _ack(self, tag, multiple):
        if multiple:
            self.unconfirmed = {pending for pending in self.unconfirmed if pending > tag}
        else:
            self.unconfirmed.discard(tag)

    def _nack(self, tag, multiple):
        self._ack(tag, multiple)
        self.nacked = True

    def wait(self, connection, timeout):
        """Return once the broker has confirmed every message published so far; raise if it
        refused one (a nack) or stays silent for `timeout` seconds."""
        while self.unconfirmed:
            connection.drain_events(timeout=timeout)
        if self.nacked:
            self.nacked = False
            raise PublishRefused("the broker refused (nacked) a message of the batch")


class PublishRefused(Exception):
    pass


def _correlated(correlation_id):
    """The AMQP `correlation_id` property of a message: what caused it (kring.kit.correlation),
    so that a partner's reply and every event can be traced without opening the body."""
    return {"correlation_id": correlation_id} if correlation_id else {}
