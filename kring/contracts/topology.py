"""Every event queue of the system, in one table, declared before anything is published.

RabbitMQ confirms a publish that no queue takes, and the message is gone: if referral emitted
`referral_received` before matching had ever started on this broker, matching would never hear
of it. So every service declares the whole table when it starts (the outbox relay does it on
each new connection, before its first publish), and deploy/rabbitmq/definitions.json carries it
too. An `on_events` handler that is not in the table refuses to start.
"""
from kombu import Queue, binding

from kring.kit.outbox import event_exchange
from kring.kit.retry import DEFAULT_DELAYS, dead_letter_queue_name, delay_queue

# (consuming service, handler method, source service, event types)
SUBSCRIPTIONS = [
    ("referral", "on_matching", "matching", ("intake_recorded", "proposal_made",
                                             "proposal_declined", "referral_waitlisted",
                                             "match_made")),
    ("referral", "on_casework", "casework", ("case_started", "case_closed", "case_handed_over",
                                             "case_reopened")),
    ("referral", "on_aftercare", "aftercare", ("aftercare_started", "aftercare_completed")),
    ("matching", "on_referral", "referral", ("referral_received", "referral_withdrawn",
                                             "referral_closed")),
    ("matching", "on_casework", "casework", ("case_handed_over", "case_reopened")),
    ("casework", "on_matching", "matching", ("match_made",)),
    ("casework", "on_referral", "referral", ("referral_withdrawn",)),
    ("casework", "on_aftercare", "aftercare", ("relapse_reported",)),
    ("aftercare", "on_casework", "casework", ("case_handed_over",)),
    ("aftercare", "on_referral", "referral", ("referral_withdrawn",)),
    ("notify", "on_referral", "referral", ("referral_received", "referral_closed")),
    ("notify", "on_casework", "casework", ("case_started",)),
]


class TopologyError(Exception):
    """A handler consumes events the topology table does not know of (a bug, said at start)."""


def queue_name(consumer_service, handler, source):
    return f"kring.{consumer_service}.{handler}.{source}"


def event_queue(consumer_service, handler, source, event_types):
    exchange = event_exchange(source)
    return Queue(queue_name(consumer_service, handler, source), exchange=exchange, durable=True,
                 bindings=[binding(exchange, routing_key=t) for t in event_types])


def check_subscription(consumer_service, handler, source, event_types):
    if (consumer_service, handler, source, tuple(event_types)) not in {
            (c, h, s, tuple(t)) for c, h, s, t in SUBSCRIPTIONS}:
        raise TopologyError(
            f"{consumer_service}.{handler} consumes {source} {list(event_types)}, which "
            "kring/contracts/topology.py does not list: add it there (and regenerate the "
            "broker definitions) so the queue exists before anything is published")


def declare_topology(channel, delays=DEFAULT_DELAYS):
    """Declare every event queue with its bindings, delay queues and dead-letter queues."""
    for consumer, handler, source, event_types in SUBSCRIPTIONS:
        queue = event_queue(consumer, handler, source, event_types)
        queue(channel).declare()
        for seconds in delays:
            delay_queue(queue.name, seconds)(channel).declare()
    for consumer in {subscription[0] for subscription in SUBSCRIPTIONS}:
        Queue(dead_letter_queue_name(consumer), durable=True)(channel).declare()
