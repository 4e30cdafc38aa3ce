"""The kombu side of kring.contracts.topology: exchanges and queues, declared before any
publish.

Every queue here takes the queue type (KRING_QUEUE_TYPE): classic or quorum, with the arguments
kring.contracts.topology gives for it, so a service, its retries and the broker definitions
declare each queue alike.
"""
import logging

from amqp.exceptions import AccessRefused, NotFound
from kombu import Exchange, Queue, binding

from kring.config import QUEUE_TYPE_KEY
from kring.contracts.topology import (CLASSIC, SUBSCRIPTIONS, dead_letter_queue_name,
                                      delay_queue_arguments, delay_queue_name,
                                      events_exchange_name, queue_arguments, queue_name)

log = logging.getLogger(__name__)

DEFAULT_EXCHANGE = Exchange("", type="direct")


def configured_queue_type(config):
    """The queue type of a nameko config (classic where a hand-made config names none)."""
    return config.get(QUEUE_TYPE_KEY) or CLASSIC


def topic_exchange(name):
    return Exchange(name, type="topic", durable=True, delivery_mode=2)


def event_exchange(service):
    """The topic exchange the `on_events` entrypoints bind to for `service`'s events."""
    return topic_exchange(events_exchange_name(service))


def event_queue(consumer_service, handler, source, event_types, queue_type=CLASSIC):
    exchange = event_exchange(source)
    return Queue(queue_name(consumer_service, handler, source), exchange=exchange, durable=True,
                 bindings=[binding(exchange, routing_key=t) for t in event_types],
                 queue_arguments=queue_arguments(queue_type))


def delay_queue(queue, seconds, queue_type=CLASSIC):
    """A queue whose TTL dead-letters each message back to `queue` after `seconds`."""
    name = delay_queue_name(queue, seconds)
    return Queue(name, exchange=DEFAULT_EXCHANGE, routing_key=name, durable=True,
                 queue_arguments=delay_queue_arguments(queue, seconds, queue_type))


def dead_letter_queue(service, queue_type=CLASSIC):
    name = dead_letter_queue_name(service)
    return Queue(name, exchange=DEFAULT_EXCHANGE, routing_key=name, durable=True,
                 queue_arguments=queue_arguments(queue_type))


def declare_topology(connection, service, delays, queue_type=CLASSIC):
    """Make sure every event queue with its bindings, delay queues and dead-letter queues exists.

    `service`'s own queues are declared (again), with their bindings. A broker user of one
    service may configure only its own queues (docs/security.md, "Broker users"); the others
    come from the broker definitions. So another service's queue that exists is left as it is (a
    passive declare needs no permission), and only a missing one is declared; if this user may
    not, the definitions were not loaded, and that is said plainly.
    """
    own, others = [], []
    for consumer, handler, source, event_types in SUBSCRIPTIONS:
        queue = event_queue(consumer, handler, source, event_types, queue_type)
        queues = [queue] + [delay_queue(queue.name, seconds, queue_type) for seconds in delays]
        (own if consumer == service else others).extend(queues)
    for consumer in sorted({subscription[0] for subscription in SUBSCRIPTIONS}):
        (own if consumer == service else others).append(dead_letter_queue(consumer, queue_type))
    channel = connection.channel()
    try:
        for queue in own:
            queue(channel).declare()
        for queue in others:
            try:
                channel.queue_declare(queue.name, passive=True)
                continue
            except NotFound:  # the broker closed the channel: take a new one
                channel = _renew(connection, channel)
            try:
                queue(channel).declare()
            except AccessRefused:
                raise AccessRefused(
                    f"queue {queue.name!r} does not exist and this broker user may not declare "
                    "it: load the broker definitions (deploy/rabbitmq/definitions.json) first"
                ) from None
    finally:
        _close(channel)


def _renew(connection, channel):
    _close(channel)
    return connection.channel()


def _close(channel):
    try:
        channel.close()
    except Exception as exc:  # a channel the broker closed already
        log.debug("closing a topology channel: %s", exc)
