"""A partner organisation with only a broker account, made through the management API, and
what it and the operator see on the broker."""
import json
import uuid
from urllib.parse import urlparse

from kombu import Connection, Exchange

from kring.contracts.events import make_event
from kring.contracts.partner_queues import IN_EXCHANGE, SUBMIT_KEY, permissions
from kring.kit.topology import event_exchange
from kring.kit.partner_consumer import partner_dead_letter_queue
from kring.partner_client import PartnerClient
from tests.support.databases import unit_of_work


def make_partner(rabbit_manager, rabbit_config, name):
    password = uuid.uuid4().hex
    rabbit_manager._put("users", name, json={"password": password, "tags": ""})
    allowed = permissions(name)
    vhost = rabbit_config["vhost"]
    rabbit_manager.set_vhost_permissions(vhost, name, allowed["configure"], allowed["read"],
                                         allowed["write"])
    for topic in allowed["topic"]:
        rabbit_manager._put("topic-permissions", vhost, name, json=topic)
    broker = urlparse(rabbit_config["AMQP_URI"])
    client = PartnerClient(f"amqp://{name}:{password}@{broker.hostname}:{broker.port or 5672}"
                           f"/{vhost}")
    # its queue of updates exists before it sends anything, as an onboarded partner's does
    # (docs/partners.md): a reply published before the test first reads it is kept, not
    # routed nowhere
    with Connection(client.amqp_uri) as conn:
        client.updates_queue()(conn.default_channel).declare()
    return client


def raw_publish(partner, body, content_type="application/json", message_id="m-1"):
    """Publish `body` (bytes) as `partner`, as it is: no serializer in between."""
    with Connection(partner.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange=Exchange(IN_EXCHANGE, type="topic", passive=True),
                                routing_key=SUBMIT_KEY, content_type=content_type,
                                content_encoding="utf-8", message_id=message_id,
                                user_id=partner.partner)


def next_update(client, timeout=15):
    for update in client.updates(timeout=timeout):
        return update
    raise AssertionError(f"no update for {client.partner} within {timeout} s")


def next_dead_letter(amqp_uri, timeout=15):
    """The next message in the dead-letter queue, read by the operator (guest)."""
    with Connection(amqp_uri) as conn:
        queue = conn.SimpleQueue(partner_dead_letter_queue())
        try:
            message = queue.get(block=True, timeout=timeout)
            message.ack()
            return json.loads(message.body)
        finally:
            queue.close()


def refused_submission(container, refused_id):
    """What the referral service keeps of a refused partner message (None: nothing)."""
    from services.referral.partner_submissions import refused_submission as kept
    return kept(unit_of_work(container), refused_id)


def publish_stage_event(amqp_uri, source, event_type, referral_id, **data):
    event = make_event(source, event_type, referral_id, **data)
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(event.to_message(), exchange=event_exchange(source),
                                routing_key=event_type, serializer="json",
                                declare=[event_exchange(source)])
