"""Parked messages: the body in the service's own database, sealed; a note on the broker.

A message a consumer gave up on after every retry (kring.kit.retry) may hold family data: a
referral_received carries the referrer's address, a partner's submission is the whole
referral. Its body, with the headers a replay needs, is kept in the service's `parked` table
(kring.kit.tables), sealed like every other family field (kring.kit.crypto); the dead-letter
queue `kring.<service>.dead` gets a note with the row's id, the message type, the queue it came
from, the attempts, the error and when it was parked: what `kring dlq` lists and shows. The
operator's `kring dlq show --body` and `kring dlq replay` ask the service for the body over RPC
(kring.kit.parked.ParkedMessages), since only the service holds its database and its data keys.

A parked copy goes with its referral's erasure (`forget_referral`, and the referral service's
own search of parked partner submissions) and after the retention period (`forget_expired`),
as the broker drops the note (kring.contracts.topology.dead_letter_policy).
"""
import json
import re
import uuid

from kombu.pools import producers
from sqlalchemy import delete, insert, select

from kring.clock import utcnow
from kring.kit.broker import connect

PARKED_ID_HEADER = "x-kring-parked-id"  # the row in the service's `parked` table
TYPE_HEADER = "x-kring-type"  # the event type, or the routing key it first came with
NOTE_TYPE = "application/json"
_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,128}\Z")  # an id or a type: nothing else is noted


class ParkingLot:
    """Where a consumer keeps the body of a message it parks: the service's `parked` table.
    `engine_of()` gives the service's engine (made when its Database sets up)."""

    def __init__(self, engine_of, table):
        self.engine_of, self.table = engine_of, table

    def keep(self, message, headers, error, attempts, queue, now=None):
        """The message kept, sealed; returns the id its note names. Raises if the database
        cannot take it (the caller keeps the message on the broker meanwhile)."""
        parked_id = str(uuid.uuid4())
        body = message.body
        if isinstance(body, str):  # kombu hands over text when a content_encoding was given
            body = body.encode("utf-8")
        with self.engine_of().begin() as db:
            db.execute(insert(self.table).values(
                id=parked_id, queue=queue, message_type=headers.get(TYPE_HEADER),
                message_id=_id_or_none(message.properties.get("message_id"), 255),
                referral_id=referral_of(body), content_type=message.content_type,
                content_encoding=message.content_encoding, headers=_plain(headers),
                body=body, error=error, attempts=attempts, parked_at=now or utcnow()))
        return parked_id

    def discard(self, parked_id):
        with self.engine_of().begin() as db:
            db.execute(delete(self.table).where(self.table.c.id == parked_id))


def type_of(message):
    """What kind of message it is, for the note: an event's type, else the routing key it was
    delivered with (a partner's submission)."""
    try:
        found = json.loads(message.body)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
        found = None
    if isinstance(found, dict) and _id_or_none(found.get("type"), 128):
        return found["type"]
    return _id_or_none((message.delivery_info or {}).get("routing_key"), 128)


def referral_of(body):
    """The referral an event's envelope names, or None (a partner submission, a broken body)."""
    try:
        found = json.loads(body)
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError):
        return None
    return _id_or_none(found.get("referral_id"), 64) if isinstance(found, dict) else None


def _id_or_none(value, length):
    return value if isinstance(value, str) and len(value) <= length and _NAME.match(value) \
        else None


def _plain(headers):
    """Headers as JSON can keep them (AMQP's own types, such as a timestamp, as text)."""
    return json.loads(json.dumps(headers, default=str))


# --- what an operator asks of a service (kring dlq) ---------------------------------------------

def bodies(uow, parked_ids):
    """{parked id: the message as kept} for `kring dlq show --body` (family data: the operator
    asked for it); an id no longer kept is left out."""
    table = uow.parked_table
    with uow:
        rows = uow.session.execute(select(table).where(table.c.id.in_(list(parked_ids)))).all()
        return {row.id: {"queue": row.queue, "type": row.message_type,
                         "message_id": row.message_id, "content_type": row.content_type,
                         "body": row.body.decode("utf-8", errors="replace")} for row in rows}


def replay(uow, amqp_uri, parked_ids, retry_headers, ssl=None):
    """Send the kept messages back to the queues they came from, attempts reset, and forget
    them; {"replayed": ids, "gone": ids no longer kept (erased with their referral, or past the
    retention period)}. Each is published (with a confirm) outside any transaction, since its
    own consumer may be in this process and want the database at once (SQLite's lock would
    hold the whole process), and deleted after: a crash in between, or two operators replaying
    at once, sends it twice, which the consumers' inbox makes harmless."""
    table, replayed = uow.parked_table, []
    for parked_id in parked_ids:
        with uow:
            row = uow.session.execute(select(table).where(table.c.id == parked_id)).first()
        if row is None:
            continue
        headers = {key: value for key, value in (row.headers or {}).items()
                   if key not in retry_headers}
        _publish(amqp_uri, row, headers, ssl)
        with uow:
            uow.session.execute(delete(table).where(table.c.id == parked_id))
        replayed.append(parked_id)
    return {"replayed": replayed, "gone": [i for i in parked_ids if i not in replayed]}


def _publish(amqp_uri, row, headers, ssl):
    connection = connect(amqp_uri, ssl, transport_options={"confirm_publish": True})
    with producers[connection].acquire(block=True) as producer:
        producer.publish(row.body, exchange="", routing_key=row.queue, headers=headers,
                         content_type=row.content_type, content_encoding=row.content_encoding,
                         message_id=row.message_id, delivery_mode=2, retry=False)


def forget(uow, parked_ids):
    """`kring dlq purge`: the kept messages deleted; how many."""
    table = uow.parked_table
    with uow:
        return uow.session.execute(delete(table).where(
            table.c.id.in_(list(parked_ids)))).rowcount


def forget_referral(session, table, referral_id):
    """Parked messages about an erased referral go with its data; how many."""
    return session.execute(delete(table).where(table.c.referral_id == referral_id)).rowcount


def forget_expired(session, table, before):
    """Parked messages kept since before `before` (the retention period) go, as the broker
    drops their notes; how many."""
    return session.execute(delete(table).where(table.c.parked_at < before)).rowcount


def kept(session, table, queue):
    """(id, message_id, headers, body) of every message parked from `queue` that names no
    referral: for a service that recognises its own (the referral service, a partner's
    submission)."""
    return session.execute(select(table.c.id, table.c.message_id, table.c.headers,
                                  table.c.body).where(
        table.c.queue == queue, table.c.referral_id.is_(None))).all()
