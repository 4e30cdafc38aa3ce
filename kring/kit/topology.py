"""The kombu side of kring.contracts.topology: exchanges and queues, declared before any
publish."""
from kombu import Exchange, Queue, binding

from kring.contracts.topology import (SUBSCRIPTIONS, dead_letter_queue_name, delay_milliseconds,
                                      delay_queue_name, events_exchange_name, queue_name)

DEFAULT_EXCHANGE = Exchange("", type="direct")


def topic_exchange(name):
    return Exchange(name, type="topic", durable=True, delivery_mode=2)


def event_exchange(service):
    """The topic exchange the `on_events` entrypoints bind to for `service`'s events."""
    return topic_exchange(events_exchange_name(service))


def event_queue(consumer_service, handler, source, event_types):
    exchange = event_exchange(source)
    return Queue(queue_name(consumer_service, handler, source), exchange=exchange, durable=True,
                 bindings=[binding(exchange, routing_key=t) for t in event_types])


def delay_queue(queue, seconds):
    """A queue whose TTL dead-letters each message back to `queue` after `seconds`."""
    name = delay_queue_name(queue, seconds)
    return Queue(name, exchange=DEFAULT_EXCHANGE, routing_key=name, durable=True,
                 queue_arguments={"x-message-ttl": delay_milliseconds(seconds),
                                  "x-dead-letter-exchange": "",
                                  "x-dead-letter-routing-key": queue})


def dead_letter_queue(service):
    name = dead_letter_queue_name(service)
    return Queue(name, exchange=DEFAULT_EXCHANGE, routing_key=name, durable=True)


def declare_topology(channel, delays):
    """Declare every event queue with its bindings, delay queues and dead-letter queues."""
    for consumer, handler, source, event_types in SUBSCRIPTIONS:
        queue = event_queue(consumer, handler, source, event_types)
        queue(channel).declare()
        for seconds in delays:
            delay_queue(queue.name, seconds)(channel).declare()
    for consumer in {subscription[0] for subscription in SUBSCRIPTIONS}:
        dead_letter_queue(consumer)(channel).declare()
