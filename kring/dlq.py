"""`kring dlq`: what the services parked, for an operator to read, replay or purge.

Each service parks a message it could not handle after every retry in `kring.<service>.dead`,
with the error and the queue it came from in its headers (kring.kit.retry). Peeking takes the
messages without acknowledging them and closes the channel, so they return to their place.
"""
import json
from dataclasses import dataclass

from amqp.exceptions import ChannelError
from kombu import Connection

from kring.config import SERVICES
from kring.contracts.topology import dead_letter_queue_name
from kring.kit.retry import ATTEMPT_HEADER, ERROR_HEADER, QUEUE_HEADER

PEEK_LIMIT = 1000


@dataclass
class Parked:
    number: int
    queue: str  # where it came from, and where a replay sends it
    error: str
    attempts: int
    message_id: str | None
    body: str


def counts(amqp_uri):
    """{service: number of parked messages} for every service."""
    found = {}
    with Connection(amqp_uri) as connection:
        for service in SERVICES:
            channel = connection.channel()  # a missing queue closes the channel it was asked on
            try:
                found[service] = channel.queue_declare(dead_letter_queue_name(service),
                                                       passive=True).message_count
                channel.close()
            except ChannelError:  # never declared: that service has not run on this broker
                found[service] = 0
    return found


def peek(amqp_uri, service, limit=PEEK_LIMIT):
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        parked = []
        while len(parked) < limit:
            message = channel.basic_get(dead_letter_queue_name(service), no_ack=False)
            if message is None:
                break
            parked.append(_parked(len(parked) + 1, message))
        channel.close()  # unacknowledged: every message goes back to its place
    return parked


def replay(amqp_uri, service, numbers=None):
    """Send parked messages (all, or those numbered) back to their queue, attempts reset."""
    replayed = 0
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
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
            headers.pop(ATTEMPT_HEADER, None)
            headers.pop(ERROR_HEADER, None)
            producer.publish(message.body, exchange="", routing_key=origin, headers=headers,
                             content_type=message.content_type,
                             content_encoding=message.content_encoding,
                             message_id=message.properties.get("message_id"), delivery_mode=2)
            channel.basic_ack(message.delivery_tag)
            replayed += 1
        channel.close()
    return replayed


def purge(amqp_uri, service):
    with Connection(amqp_uri) as connection:
        return connection.default_channel.queue_purge(dead_letter_queue_name(service)) or 0


def _parked(number, message):
    headers = message.headers or {}
    body = message.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        body = json.dumps(json.loads(body), indent=2)
    except ValueError:
        pass
    return Parked(number, headers.get(QUEUE_HEADER, "?"), headers.get(ERROR_HEADER, "?"),
                  int(headers.get(ATTEMPT_HEADER, 0)), message.properties.get("message_id"),
                  body)
