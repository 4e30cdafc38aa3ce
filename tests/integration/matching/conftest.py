"""The matching service in a real container, fed referral's and casework's events over the real
broker; a queue of the test's own listens to what matching emits."""
import json
import uuid

import pytest
from kombu import Connection, Queue
from nameko.testing.services import entrypoint_waiter

from kring.contracts.events import make_event
from kring.kit.outbox import event_exchange
from services.matching.service import MatchingService
from tests.conftest import token

HANDLERS = {"referral": "on_referral", "casework": "on_casework"}
COORDINATOR = token("home-start-oost", "coordinator")
REFERRER = token("huisarts-oost", "referrer")


@pytest.fixture
def emitted(kring_config):
    """Everything matching publishes, bound before the service starts so nothing is missed."""
    queue = Queue(f"test.matching.{uuid.uuid4().hex[:8]}", exchange=event_exchange("matching"),
                  routing_key="#", auto_delete=True)
    with Connection(kring_config["AMQP_URI"]) as conn:
        simple = conn.SimpleQueue(queue)
        yield Emitted(simple)
        simple.close()


class Emitted:
    def __init__(self, simple):
        self.simple = simple

    def next(self, timeout=15):
        """The next event matching published (the relay sends it just after the commit)."""
        message = self.simple.get(block=True, timeout=timeout)
        message.ack()
        return json.loads(message.body)

    def types(self, count):
        """The next `count` events as (type, referral_id)."""
        return [(m["type"], m["referral_id"]) for m in (self.next() for _ in range(count))]


@pytest.fixture
def matching(container_factory, kring_config, emitted):
    container = container_factory(MatchingService, kring_config)
    container.start()
    return container


@pytest.fixture
def deliver(matching, kring_config):
    """Publish an event as its source service would, and wait until matching has handled it."""
    def publish(event):
        exchange = event_exchange(event.source)
        with entrypoint_waiter(matching, HANDLERS[event.source], timeout=20) as result:
            with Connection(kring_config["AMQP_URI"],
                            transport_options={"confirm_publish": True}) as conn:
                conn.Producer().publish(event.to_message(), exchange=exchange,
                                        routing_key=event.type, serializer="json",
                                        declare=[exchange])
        result.get()  # re-raises whatever the handler raised
        return event
    return publish


def received(referral_id=None, **overrides):
    data = {"programme": "home-start", "organisation": "huisarts-oost",
            "external_ref": "HA-1", "municipality": "Utrecht", "languages": ["nl", "tr"],
            "domains": ["parenting"], "urgency": "normal",
            "referrer_email": "j.devries@example.org", "referrer_language": "nl",
            "referrer_organisation": "Huisartsenpraktijk Oost",
            "share_status_with_referrer": True, "family_key": "fam-1", **overrides}
    return make_event("referral", "referral_received", referral_id or str(uuid.uuid4()),
                      **data)


def supporter_body(name="Anna", **overrides):
    return {"name": name, "kind": "volunteer", "programmes": ["home-start"],
            "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
            "expertise": ["finances"], **overrides}


def register(api, name="Anna", **overrides):
    created = api.post("/supporters", COORDINATOR, json=supporter_body(name, **overrides))
    assert created.status_code == 201, created.text
    return created.json()["supporter_id"]


def intake(api, referral_id, fits=True, severity="medium", status=201):
    body = {"referral_id": referral_id, "fits": fits, "reason": "intake held"}
    if severity:
        body["severity"] = severity
    answer = api.post("/intakes", COORDINATOR, json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def respond(api, proposal_id, party, accept, status=200):
    answer = api.post(f"/proposals/{proposal_id}/responses", COORDINATOR,
                      json={"party": party, "accept": accept, "reason": "first meeting"})
    assert answer.status_code == status, answer.text
    return answer.json()
