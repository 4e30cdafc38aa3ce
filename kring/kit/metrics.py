"""What an operator's Prometheus reads at `GET /metrics`: one registry per process.

A process runs one service or several (`kring run` of all five), so every figure carries a
`service` label. Counters are kept as things happen (HTTP answers by kring.kit.web, events by
kring.kit.consumer); the rest is read when Prometheus asks: each service's outbox backlog and
its own figures from its database (the `gauges` a service hands its Database), and its parked
messages from the broker. Labels hold only operation ids, status codes, service, queue and
programme codes: never an id, never free text, nothing of a family (docs/contract.md §7).
"""
import logging
import time
from datetime import timezone

from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               ProcessCollector, disable_created_metrics, generate_latest)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from kring.clock import utcnow
from kring.kit.failures import describe

log = logging.getLogger(__name__)

disable_created_metrics()  # a `_created` series per counter only doubles what is scraped
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # the process's CPU, memory and open files
CONTENT_TYPE = CONTENT_TYPE_LATEST

HTTP_REQUESTS = Counter(
    "kring_http_requests", "HTTP requests answered, by operationId and status code",
    ["service", "operation", "status"], registry=REGISTRY)
HTTP_SECONDS = Histogram(
    "kring_http_request_duration_seconds", "Time from request to answer, by operationId",
    ["service", "operation"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
EVENTS_HANDLED = Counter(
    "kring_events_handled", "Messages a consumer handled (a redelivery it ignored included)",
    ["service", "consumer"], registry=REGISTRY)
EVENTS_FAILED = Counter(
    "kring_events_failed", "Messages whose handler raised (each is then retried or parked)",
    ["service", "consumer"], registry=REGISTRY)
EVENTS_RETRIED = Counter(
    "kring_events_retried", "Failed messages sent to a delay queue for a later attempt",
    ["service", "consumer"], registry=REGISTRY)
EVENTS_PARKED = Counter(
    "kring_events_parked", "Messages parked in the service's dead-letter queue",
    ["service", "consumer"], registry=REGISTRY)
EVENT_SECONDS = Histogram(
    "kring_event_handling_seconds", "Time a consumer took over one message",
    ["service", "consumer"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

# Read at scrape time: name -> (help, labels besides `service`).
GAUGES = {
    "kring_ready": ("1 while the service's database answers and its consumers are attached "
                    "to the broker (GET /api/v1/ready checks the same and probes the broker)",
                    ()),
    "kring_database_up": ("1 when the service's database answered this scrape", ()),
    "kring_outbox_unsent": ("Events in the outbox not yet published", ()),
    "kring_outbox_oldest_unsent_age_seconds": (
        "Age of the oldest unpublished outbox event (0: none waits)", ()),
    "kring_parked_messages": ("Messages in a dead-letter queue (`kring dlq list`)", ("queue",)),
    "kring_parked_oldest_expires_in_seconds": (
        "Seconds until the broker drops the oldest parked message of a queue (the retention "
        "policy); only while the queue holds one whose parking time is known", ("queue",)),
    "kring_notices": ("Notices by status: sent, suppressed, pending (not yet tried), failed "
                      "(tried, not delivered, waiting for its retry)", ("status",)),
    "kring_waiting_list_length": ("Referrals on the waiting list, by programme",
                                  ("programme",)),
    "kring_supporter_free_capacity": (
        "Families the active supporters can still take, by programme (a supporter of two "
        "programmes counts in both)", ("programme",)),
    "kring_aftercare_contacts_overdue": ("Scheduled aftercare contacts of active plans past "
                                         "their due date and not done", ()),
}


def exposition():
    """The body of GET /metrics."""
    return generate_latest(REGISTRY)


# --- kept as things happen ---------------------------------------------------------------

def http_answered(service, operation, status, seconds):
    HTTP_REQUESTS.labels(service, operation, str(status)).inc()
    HTTP_SECONDS.labels(service, operation).observe(seconds)


_started = {}  # id(message) -> when its handling began (kombu's Message takes no attributes)


def event_received(message):
    _started[id(message)] = time.monotonic()


def event_processed(service, queue, message, failed):
    started = _started.pop(id(message), None)
    if started is not None:
        EVENT_SECONDS.labels(service, queue).observe(time.monotonic() - started)
    (EVENTS_FAILED if failed else EVENTS_HANDLED).labels(service, queue).inc()


def event_set_aside(service, queue, parked):
    (EVENTS_PARKED if parked else EVENTS_RETRIED).labels(service, queue).inc()


# --- read when Prometheus asks -------------------------------------------------------------

_watched = {}  # Database provider -> its service's readiness and figures (kring.kit.readiness)


def watch(database):
    """A service's Database has started: its figures are read at every scrape."""
    _watched[database] = True


def unwatch(database):
    _watched.pop(database, None)


def watched():
    return list(_watched)


class _ScrapeCollector:
    """Every figure that is read at scrape time, for every service this process runs."""

    def describe(self):
        return [_family(name) for name in GAUGES]

    def collect(self):
        from kring.kit import readiness  # it imports the consumers, which import this module
        families = {name: _family(name) for name in GAUGES}
        for database in watched():
            service = database.container.service_name
            database_up = self._database_figures(database, service, families)
            families["kring_database_up"].add_metric([service], int(database_up))
            ready = database_up and readiness.consumers_attached(database.container) is True
            families["kring_ready"].add_metric([service], int(ready))
            for queue, count, expires_in in self._parked_figures(database, service):
                families["kring_parked_messages"].add_metric([service, queue], count)
                if count and expires_in is not None:
                    families["kring_parked_oldest_expires_in_seconds"].add_metric(
                        [service, queue], expires_in)
        return list(families.values())

    def _database_figures(self, database, service, families):
        try:
            unsent, oldest = outbox_backlog(database)
            families["kring_outbox_unsent"].add_metric([service], unsent)
            families["kring_outbox_oldest_unsent_age_seconds"].add_metric([service], oldest)
            for name, labels, value in (database.gauges(database.unit_of_work())
                                        if database.gauges else ()):
                families[name].add_metric(
                    [service, *(labels[label] for label in GAUGES[name][1])], value)
        except Exception as exc:  # the database is away: say so, and serve the rest
            log.warning("%s: figures for /metrics could not be read: %s", service,
                        describe(exc))
            return False
        return True

    def _parked_figures(self, database, service):
        from kring.kit import readiness
        try:
            return readiness.parked(database.container)
        except Exception as exc:  # the broker is away: kring_ready says so soon enough
            log.warning("%s: parked messages could not be counted: %s", service, describe(exc))
            return []


def _family(name):
    description, labels = GAUGES[name]
    return GaugeMetricFamily(name, description, labels=["service", *labels])


def outbox_backlog(database):
    """(events not yet published, age in seconds of the oldest of them; 0 when none)."""
    outbox = database.metadata.tables["outbox"]
    with database.engine.connect() as connection:
        count, oldest = connection.execute(
            select(func.count(), func.min(outbox.c.created_at))
            .where(outbox.c.sent_at.is_(None))).one()
    if not count or oldest is None:
        return 0, 0.0
    if oldest.tzinfo is None:  # SQLite gives back what Kring wrote, UTC, without its zone
        oldest = oldest.replace(tzinfo=timezone.utc)
    return count, max(0.0, (utcnow() - oldest).total_seconds())


REGISTRY.register(_ScrapeCollector())
