"""The `on_events` entrypoint: one durable queue per consuming handler and source service.

nameko's own event_handler makes one queue per event type; a stage that follows another stage's
whole life cycle would need a dozen. Here one queue is bound to every type the handler names,
and the handler receives a parsed kring.contracts.events.Event.
"""
import json
import logging

from marshmallow import ValidationError

from kring.contracts.events import EVENTS, read_event
from kring.contracts.topology import check_subscription, event_queue
from kring.kit.consumer import RawConsumer

log = logging.getLogger(__name__)


# tests may run throw-away services whose handlers the topology table does not list
ANY_SUBSCRIPTION_KEY = "KRING_ANY_SUBSCRIPTION"


class EventsEntrypoint(RawConsumer):
    """Consumes the events `event_types` of service `source`, parsed, one worker per event."""

    def __init__(self, source, *event_types, **kwargs):
        unknown = [t for t in event_types if (source, t) not in EVENTS]
        if unknown:
            raise ValueError(f"no such events from {source}: {unknown}")
        self.source = source
        self.event_types = event_types
        super().__init__(queue=None, **kwargs)

    def setup(self):
        service = self.container.service_name
        if not self.container.config.get(ANY_SUBSCRIPTION_KEY):
            check_subscription(service, self.method_name, self.source, self.event_types)
        self.queue = event_queue(service, self.method_name, self.source, self.event_types)
        super().setup()

    def handle_message(self, _body, message):
        try:
            event = read_event(json.loads(message.body))
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            log.error("unreadable event on %s, parked: %s", self.queue.name, exc)
            self.set_aside(message, f"unreadable event: {exc}")
            return
        super().handle_message(event, message)


on_events = EventsEntrypoint.decorator
