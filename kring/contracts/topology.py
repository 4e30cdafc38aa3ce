"""Every event queue of the system, in one table: who consumes which events of whom.

RabbitMQ confirms a publish that no queue takes, and the message is gone: if referral emitted
`referral_received` before matching had ever started on this broker, matching would never hear
of it. So every service declares the whole table when it starts (kring.kit.topology: the outbox
relay does it on each new connection, before its first publish), and
deploy/rabbitmq/definitions.json carries it too. This is the one place a subscription is
written: an `on_events` entrypoint reads its event types from here, and one that is not in the
table refuses to start. Names only; the kombu objects are built in kring.kit.topology.
"""
import json

# (consuming service, handler method, source service, event types)
SUBSCRIPTIONS = [
    ("referral", "on_matching", "matching", ("intake_recorded", "proposal_made",
                                             "proposal_declined", "referral_waitlisted",
                                             "match_made", "erasure_done")),
    ("referral", "on_casework", "casework", ("case_started", "case_closed", "case_handed_over",
                                             "case_reopened", "erasure_done")),
    ("referral", "on_aftercare", "aftercare", ("aftercare_started", "aftercare_completed",
                                               "erasure_done")),
    ("referral", "on_notify", "notify", ("erasure_done",)),
    # referral_erased comes on the queue of the referral's other events, after them
    ("matching", "on_referral", "referral", ("referral_received", "referral_routed",
                                             "referral_withdrawn", "referral_closed",
                                             "referral_erased", "referral_commissioned")),
    ("matching", "on_casework", "casework", ("case_handed_over", "case_reopened")),
    ("casework", "on_matching", "matching", ("match_made",)),
    ("casework", "on_referral", "referral", ("referral_withdrawn", "referral_closed",
                                             "referral_erased")),
    ("casework", "on_aftercare", "aftercare", ("relapse_reported",)),
    ("aftercare", "on_casework", "casework", ("case_handed_over",)),
    ("aftercare", "on_referral", "referral", ("referral_routed", "referral_withdrawn",
                                              "referral_closed", "referral_erased")),
    ("notify", "on_referral", "referral", ("referral_received", "referral_closed",
                                           "consent_withdrawn", "referral_erased",
                                           "consultation_answered",
                                           "self_referral_submitted")),
    ("notify", "on_casework", "casework", ("case_started",)),
]


class TopologyError(Exception):
    """A handler consumes events the topology table does not know of (a bug, said at start)."""


def events_exchange_name(source):
    """The topic exchange a service publishes its events to."""
    return f"{source}.events"


def queue_name(consumer_service, handler, source):
    return f"kring.{consumer_service}.{handler}.{source}"


def dead_letter_queue_name(service):
    """Where a service parks what it could not handle after every retry (`kring dlq`)."""
    return f"kring.{service}.dead"


# The broker policy that bounds how long a parked message is kept (docs/contract.md §5): a
# queue's own arguments cannot change once it exists, a policy can, on a running broker.
DEAD_LETTER_POLICY = "kring-dead-letters"
DEAD_LETTER_PATTERN = r"^kring\.([a-z]+|partner\.in)\.dead$"


def dead_letter_policy(retention_days):
    """(name, pattern, definition) of the policy: a message parked longer than the retention
    period is dropped by the broker."""
    return DEAD_LETTER_POLICY, DEAD_LETTER_PATTERN, {
        "message-ttl": int(retention_days) * 86_400_000}


def set_policy_command(retention_days, vhost="/"):
    """The rabbitmqctl line that sets (or changes) the policy on a running broker."""
    name, pattern, definition = dead_letter_policy(retention_days)
    return (f"rabbitmqctl set_policy -p {vhost} --apply-to queues {name} '{pattern}' "
            f"'{json.dumps(definition)}'")


# Durable queues are classic on a single local broker and quorum (replicated, Raft) on a
# cluster: KRING_QUEUE_TYPE, docs/contract.md §2. The type is fixed when a queue is first
# declared; a declare with the other type is refused (PRECONDITION_FAILED), so every service and
# the broker definitions must agree (README "Moving the queues to quorum queues").
CLASSIC, QUORUM = "classic", "quorum"
QUEUE_TYPES = (CLASSIC, QUORUM)


def queue_arguments(queue_type):
    """The arguments every durable queue of ours is declared with."""
    if queue_type == CLASSIC:
        return {}  # a classic queue's declare has always carried none: existing queues match
    if queue_type == QUORUM:
        return {"x-queue-type": QUORUM}
    raise ValueError(f"queue type must be one of {', '.join(QUEUE_TYPES)}, not {queue_type!r}")


def delay_queue_arguments(queue, seconds, queue_type):
    """A delay queue's TTL dead-letters each message back to `queue`. A quorum queue dead-letters
    at most once (a message can be lost on the way) unless told `at-least-once`, which in turn
    needs `reject-publish` overflow (RabbitMQ 3.10 and later)."""
    arguments = dict(queue_arguments(queue_type), **{
        "x-message-ttl": delay_milliseconds(seconds), "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": queue})
    if queue_type == QUORUM:
        arguments.update({"x-dead-letter-strategy": "at-least-once",
                          "x-overflow": "reject-publish"})
    return arguments


def delay_queue_name(queue, seconds):
    """The queue a failed message of `queue` waits in before its next attempt."""
    return f"{queue}.retry.{delay_milliseconds(seconds)}ms"


def delay_milliseconds(seconds):
    return int(round(seconds * 1000))


def subscribed_types(consumer_service, handler, source, subscriptions=None):
    """The event types `consumer_service.handler` takes from `source`, as the table says."""
    for consumer, method, from_, event_types in subscriptions or SUBSCRIPTIONS:
        if (consumer, method, from_) == (consumer_service, handler, source):
            return event_types
    raise TopologyError(
        f"{consumer_service}.{handler} consumes events of {source}, which "
        "kring/contracts/topology.py does not list: add it there (and regenerate the "
        "broker definitions) so the queue exists before anything is published")
