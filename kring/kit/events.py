"""The `on_events` entrypoint: one durable queue per consuming handler and source service.

nameko's own event_handler makes one queue per event type; a stage that follows another stage's
whole life cycle would need a dozen. Here one queue is bound to every type that the topology
table (kring.contracts.topology) lists for the handler, and the handler receives a parsed
kring.contracts.events.Event. The handler's method name is its key in the inbox.
"""
import json
import logging

from marshmallow import ValidationError

from kring.contracts.events import read_event
from kring.contracts.topology import subscribed_types
from kring.kit.consumer import RawConsumer
from kring.kit.failures import describe
from kring.kit.topology import configured_queue_type, event_queue

log = logging.getLogger(__name__)


class EventsEntrypoint(RawConsumer):
    """Consumes the events of service `source` that the topology table names, one worker each."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(queue=None, **kwargs)

    def setup(self):
        service = self.container.service_name
        event_types = subscribed_types(service, self.method_name, self.source)
        self.queue = event_queue(service, self.method_name, self.source, event_types,
                                 configured_queue_type(self.container.config))
        super().setup()

    def handle_message(self, _body, message):
        try:
            event = read_event(json.loads(message.body))
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            log.error("unreadable event on %s, parked: %s", self.queue.name, describe(exc))
            self.set_aside(message, f"unreadable event: {describe(exc)}")
            return
        super().handle_message(event, message)


on_events = EventsEntrypoint.decorator
