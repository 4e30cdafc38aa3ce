"""The aftercare service in a real container, fed casework's and referral's events over the
real broker; a queue of the test's own listens to what aftercare emits."""
import json
import uuid

import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension

from kring.contracts.events import make_event
from kring.kit.db import Database
from kring.kit.outbox import event_exchange
from services.aftercare.service import AftercareService

HANDLERS = {"casework": "on_casework", "referral": "on_referral"}


@pytest.fixture
def emitted(kring_config):
    """Everything aftercare publishes, bound before the service starts so nothing is missed."""
    queue = Queue(f"test.aftercare.{uuid.uuid4().hex[:8]}", exchange=event_exchange("aftercare"),
                  routing_key="#", auto_delete=True)
    with Connection(kring_config["AMQP_URI"]) as conn:
        simple = conn.SimpleQueue(queue)
        yield Emitted(simple)
        simple.close()


class Emitted:
    def __init__(self, simple):
        self.simple = simple

    def next(self, timeout=15):
        """The next event aftercare published (the relay sends it just after the commit)."""
        message = self.simple.get(block=True, timeout=timeout)
        message.ack()
        return json.loads(message.body)


@pytest.fixture
def aftercare(container_factory, kring_config, emitted):
    container = container_factory(AftercareService, kring_config)
    container.start()
    return container


def deliver(container, amqp_uri, event):
    """Publish `event` as its source service would, and wait until aftercare has handled it."""
    exchange = event_exchange(event.source)
    with entrypoint_waiter(container, HANDLERS[event.source], timeout=20) as result:
        with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
            conn.Producer().publish(event.to_message(), exchange=exchange,
                                    routing_key=event.type, serializer="json",
                                    declare=[exchange])
    result.get()  # re-raises whatever the handler raised


def handed_over(referral_id=None, case_id=None, severity="high"):
    return make_event("casework", "case_handed_over", referral_id or str(uuid.uuid4()),
                      case_id=case_id or str(uuid.uuid4()), supporter_id="s-1",
                      receiving_kind="municipality", receiving_name="Gemeente Utrecht",
                      severity=severity)


def withdrawn(referral_id):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family",
                      reason="the family stops")


def unit_of_work(container):
    """A unit of work on the container's own database, to run a handler directly."""
    return get_extension(container, Database).get_dependency(None)


def start_plan(aftercare, config, emitted, **kwargs):
    """Hand a case over; returns (the event, the aftercare_started event it led to)."""
    event = handed_over(**kwargs)
    deliver(aftercare, config["AMQP_URI"], event)
    return event, emitted.next()

