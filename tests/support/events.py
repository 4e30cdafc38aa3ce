"""Events over the real broker, as the integration tests of every service use them.

`listening_to(uri, service)` binds a queue of the test's own to everything a service publishes
(bind it before the service starts, so nothing is missed); `deliver(container, uri, event)`
publishes an event as its source service would and waits until the container has handled it.
Which handler that is comes from the topology table, the same one production declares.
"""
import json
import uuid
from contextlib import contextmanager

from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter

from kring.contracts.topology import SUBSCRIPTIONS
from kring.kit.topology import event_exchange


class Emitted:
    """What one service published, in order."""

    def __init__(self, simple):
        self.simple = simple

    def next_message(self, timeout=15):
        """The next message as it came (properties and all); the relay sends it after commit."""
        message = self.simple.get(block=True, timeout=timeout)
        message.ack()
        return message

    def next(self, timeout=15):
        return json.loads(self.next_message(timeout).body)

    def next_of_type(self, event_type, timeout=15):
        """The next event of `event_type`, skipping others (e.g. a submission's own)."""
        while True:
            event = self.next(timeout)
            if event["type"] == event_type:
                return event

    def types(self, count):
        """The next `count` events as (type, referral_id)."""
        return [(m["type"], m["referral_id"]) for m in (self.next() for _ in range(count))]


@contextmanager
def listening_to(amqp_uri, service):
    queue = Queue(f"test.{service}.{uuid.uuid4().hex[:8]}", exchange=event_exchange(service),
                  routing_key="#", auto_delete=True)
    with Connection(amqp_uri) as connection:
        simple = connection.SimpleQueue(queue)
        try:
            yield Emitted(simple)
        finally:
            simple.close()


def publish_event(amqp_uri, event, **properties):
    """Publish `event` to its source's exchange, routed by its type, confirmed by the broker."""
    publish(amqp_uri, event.source, event.type, event.to_message(), serializer="json",
            **properties)


def publish(amqp_uri, source, routing_key, body, **properties):
    """Publish any body as stage `source` would (also bodies no real stage would send)."""
    exchange = event_exchange(source)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        connection.Producer().publish(body, exchange=exchange, routing_key=routing_key,
                                      declare=[exchange], **properties)


def publish_many(amqp_uri, *messages):
    """Publish (source, routing_key, body, properties) to `source`'s event exchange, each
    confirmed by the broker, as an outbox relay does; a dict body goes as JSON."""
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        producer = connection.Producer()
        for source, routing_key, body, properties in messages:
            if isinstance(body, dict):
                properties = {"serializer": "json", **properties}
            exchange = event_exchange(source)
            producer.publish(body, exchange=exchange, routing_key=routing_key,
                             declare=[exchange], delivery_mode=2, **properties)


def handler_for(service, source):
    """The method of `service` that consumes `source`'s events, per the topology table."""
    for consumer, handler, event_source, _types in SUBSCRIPTIONS:
        if (consumer, event_source) == (service, source):
            return handler
    raise LookupError(f"{service} consumes no events of {source}")


def deliver(container, amqp_uri, *events):
    """Publish `events` (all from one source; the same one twice is fine) and wait until the
    container has handled as many; the last handling's error, if any, is raised here."""
    handler = handler_for(container.service_name, events[0].source)
    handled = []
    with entrypoint_waiter(container, handler, timeout=20, callback=lambda *_: handled.append(
            None) or len(handled) == len(events)) as result:
        for event in events:
            publish_event(amqp_uri, event)
    result.get()
    return events[-1]
