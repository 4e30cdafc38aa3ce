"""`kring dlq`: what the services parked, for an operator to read, replay or purge.

Each service parks a message it could not handle after every retry in `kring.<service>.dead`,
with the error and the queue it came from in its headers (kring.kit.retry); the referral
service puts a note of every partner message it refused in `kring.partner.in.dead` (`partner`
here: the note names the refused message, which the referral service keeps). Peeking takes
the messages without acknowledging them and closes the channel, so they return to their place.
The broker drops a parked message after the retention period (KRING_RETENTION_DAYS, by the
policy of kring.contracts.topology.dead_letter_policy): `expires_in` says when.
"""
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from amqp.exceptions import ChannelError

from kring.config import SERVICES
from kring.contracts.partner_queues import DEAD_QUEUE
from kring.contracts.topology import dead_letter_queue_name
from kring.kit.broker import connect
from kring.kit.retry import ATTEMPT_HEADER, ERROR_HEADER, PARKED_AT_HEADER, QUEUE_HEADER

PEEK_LIMIT = 1000
PARTNER = "partner"  # kring.partner.in.dead, beside the services' own
QUEUES = SERVICES + (PARTNER,)
SOON = timedelta(days=30)  # a message this close to its end is said to expire soon


@dataclass
class Parked:
    number: int
    queue: str  # where it came from, and where a replay sends it
    error: str
    attempts: int
    message_id: str | None
    body: str
    parked_at: datetime | None = None  # None: parked before Kring noted when

    def expires_in(self, now, retention_days):
        """How long until the broker drops it (None: unknown)."""
        if self.parked_at is None:
            return None
        return self.parked_at + timedelta(days=retention_days) - now


def queue_of(name):
    return DEAD_QUEUE if name == PARTNER else dead_letter_queue_name(name)


def counts(amqp_uri, ssl=None):
    """{service: number of parked messages} for every service (and `partner`)."""
    found = {}
    with connect(amqp_uri, ssl) as connection:
        for service in QUEUES:
            channel = connection.channel()  # a missing queue closes the channel it was asked on
            try:
                found[service] = channel.queue_declare(queue_of(service),
                                                       passive=True).message_count
                channel.close()
            except ChannelError:  # never declared: that service has not run on this broker
                found[service] = 0
    return found


def peek(amqp_uri, service, limit=PEEK_LIMIT, ssl=None):
    with connect(amqp_uri, ssl) as connection:
        channel = connection.channel()
        parked = []
        while len(parked) < limit:
            message = channel.basic_get(queue_of(service), no_ack=False)
            if message is None:
                break
            parked.append(_parked(len(parked) + 1, message))
        channel.close()  # unacknowledged: every message goes back to its place
    return parked


def replay(amqp_uri, service, numbers=None, ssl=None):
    """Send parked messages (all, or those numbered) back to their queue, attempts reset."""
    replayed = 0
    with connect(amqp_uri, ssl, transport_options={"confirm_publish": True}) as connection:
        channel = connection.channel()
        producer = connection.Producer(channel=channel)
        number = 0
        while True:
            message = channel.basic_get(dead_letter_queue_name(service), no_ack=False)
            if message is None:
                break
            number += 1
            if numbers is not None and number not in numbers:
                continue  # left unacknowledged: back in the queue when the channel closes
            headers = dict(message.headers or {})
            origin = headers.pop(QUEUE_HEADER, None)
            if not origin:
                continue
            for header in (ATTEMPT_HEADER, ERROR_HEADER, PARKED_AT_HEADER):
                headers.pop(header, None)
            producer.publish(message.body, exchange="", routing_key=origin, headers=headers,
                             content_type=message.content_type,
                             content_encoding=message.content_encoding,
                             message_id=message.properties.get("message_id"), delivery_mode=2)
            channel.basic_ack(message.delivery_tag)
            replayed += 1
        channel.close()
    return replayed


def purge(amqp_uri, service, ssl=None):
    with connect(amqp_uri, ssl) as connection:
        return connection.default_channel.queue_purge(queue_of(service)) or 0


def _parked(number, message):
    headers = message.headers or {}
    body = message.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        body = json.dumps(json.loads(body), indent=2)
    except ValueError:
        pass
    parked_at = headers.get(PARKED_AT_HEADER)
    note = _partner_note(body)
    if note is not None:  # kring.partner.in.dead: a note, refused when received
        return Parked(number, "kring.partner.in", json.dumps(note.get("errors")), 0,
                      note.get("message_id"), body, _moment(note.get("received_at")))
    return Parked(number, headers.get(QUEUE_HEADER, "?"), headers.get(ERROR_HEADER, "?"),
                  int(headers.get(ATTEMPT_HEADER, 0)), message.properties.get("message_id"),
                  body, _moment(parked_at))


def _partner_note(body):
    try:
        note = json.loads(body)
    except ValueError:
        return None
    return note if isinstance(note, dict) and "refused_id" in note else None


def _moment(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except (AttributeError, ValueError):
        return None
