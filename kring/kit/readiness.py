"""Whether this process can do its work now: `GET /api/v1/ready` (docs/contract.md §4).

`/api/v1/health` says only that the process lives. Ready means more, for every service the
process runs: its database answers, the broker answers, and its consumers (events, the partner
queue, operators' RPC) are attached to their queues. The portal reads no queue: it is ready when
its own database (sign-in links, sessions) answers, so a process that runs the portal alone
(`kring run portal`, its own container) is ready without a broker. A load balancer or an
orchestrator sends traffic only to a ready process; one that is not ready says what it waits
for.
"""
from amqp.exceptions import ChannelError
from sqlalchemy import text

from kring import dlq
from kring.clock import utcnow
from kring.config import AMQP_SSL_KEY, AMQP_URI_KEY, DEFAULT_RETENTION_DAYS, RETENTION_DAYS_KEY
from kring.kit.broker import connect, let_go
from kring.kit.consumer import SettlingQueueConsumer
from kring.kit.failures import describe
from kring.kit.metrics import watched

CONNECT_TIMEOUT_SECONDS = 3
OK = "ok"

_stores = {}  # service -> engine of a service with a database and no broker work (the portal)


def watch_store(service, engine):
    """`service` is ready when `engine` answers (its store has started)."""
    _stores[service] = engine


def unwatch_store(service):
    _stores.pop(service, None)


def check():
    """(ready, {service: {"database", "broker", "consumers": "ok" or what is wrong}})."""
    services, brokers = {}, {}
    for database in watched():
        container = database.container
        uri, ssl = container.config[AMQP_URI_KEY], container.config.get(AMQP_SSL_KEY)
        if uri not in brokers:  # one probe per broker, however many services share it
            brokers[uri] = _broker_answers(uri, ssl)
        attached = consumers_attached(container)
        services[container.service_name] = {
            "database": _database_answers(database.engine),
            "broker": brokers[uri],
            "consumers": OK if attached is True else
            f"not attached to the broker: {', '.join(attached)}"}
    for service, engine in list(_stores.items()):
        services[service] = {"database": _database_answers(engine)}
    ready = bool(services) and all(value == OK for checks in services.values()
                                   for value in checks.values())
    return ready, services


def _database_answers(engine):
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        return f"does not answer: {describe(exc)}"
    return OK


def _broker_answers(uri, ssl):
    connection = connect(uri, ssl, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        connection.connect()
    except Exception as exc:
        return f"does not answer: {describe(exc)}"
    finally:
        let_go(connection)
    return OK


def consumers_attached(container):
    """True when every consumer of the container is attached; else the queues that are not."""
    waiting = [queue for extension in container.extensions
               if isinstance(extension, SettlingQueueConsumer) and not extension.attached
               for queue in _queues(extension)]
    return waiting or True


def _queues(queue_consumer):
    return sorted(getattr(provider.queue, "name", "?") for provider in queue_consumer._providers) \
        or ["(none yet)"]


def parked(container):
    """[(dead-letter queue, messages in it, seconds until the broker drops the oldest or
    None)] of one service: its own queue, and the referral service's notes of refused partner
    messages. The oldest is peeked, unacknowledged, and returns to its place at once."""
    service = container.service_name
    names = [service] + ([dlq.PARTNER] if service == "referral" else [])
    uri, ssl = container.config[AMQP_URI_KEY], container.config.get(AMQP_SSL_KEY)
    retention_days = container.config.get(RETENTION_DAYS_KEY, DEFAULT_RETENTION_DAYS)
    found = []
    counts = _counts(uri, ssl, [dlq.queue_of(name) for name in names])
    for name in names:
        queue = dlq.queue_of(name)
        expires_in = None
        if counts[queue]:
            oldest = dlq.peek(uri, name, limit=1, ssl=ssl)
            left = oldest[0].expires_in(utcnow(), retention_days) if oldest else None
            expires_in = left.total_seconds() if left is not None else None
        found.append((queue, counts[queue], expires_in))
    return found


def _counts(uri, ssl, queues):
    with connect(uri, ssl, connect_timeout=CONNECT_TIMEOUT_SECONDS) as connection:
        counts = {}
        for queue in queues:
            channel = connection.channel()  # a missing queue closes the channel it was asked on
            try:
                counts[queue] = channel.queue_declare(queue, passive=True).message_count
                channel.close()
            except ChannelError:  # not declared yet: nothing parked there
                counts[queue] = 0
        return counts
