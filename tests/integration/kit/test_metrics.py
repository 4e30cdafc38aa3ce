"""What /metrics says of a handler that fails: each failure, each retry, the message parked,
and how long until the broker drops it (the dead-letter retention, `kring dlq list`)."""
import pytest
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_container

from kring.about import AboutService
from kring.config import RETENTION_DAYS_KEY, RETRY_DELAYS_KEY
from kring.contracts import topology
from kring.contracts.events import make_event
from kring.kit import metrics
from kring.kit.db import Database
from kring.kit.events import on_events
from services.notify import handlers
from services.notify.models import metadata
from tests.support.events import publish_event
from tests.support.metrics import scrape, value

QUEUE = "kring.notify.on_flaky.referral"
FAILURES = {"left": 0}


class FlakyNotify:
    name = "notify"  # borrows a real service name: its dead-letter queue, its figures

    db = Database(metadata, gauges=handlers.gauges)

    @on_events("referral")
    def on_flaky(self, event):
        if FAILURES["left"]:
            FAILURES["left"] -= 1
            raise RuntimeError("database is away")


@pytest.fixture
def flaky(runner_factory, sqlite_config, monkeypatch):
    monkeypatch.setattr(topology, "SUBSCRIPTIONS", [
        *topology.SUBSCRIPTIONS, ("notify", "on_flaky", "referral", ("referral_withdrawn",))])
    config = dict(sqlite_config, **{RETRY_DELAYS_KEY: [0.05, 0.1], RETENTION_DAYS_KEY: 30})
    runner = runner_factory(config, FlakyNotify, AboutService)
    runner.start()
    return get_container(runner, FlakyNotify)


def counted(name):
    return metrics.REGISTRY.get_sample_value(name, {"service": "notify", "consumer": QUEUE}) or 0


def test_failures_retries_and_the_parked_message_are_counted(flaky, sqlite_config,
                                                              web_config_port):
    before = {name: counted(name) for name in (
        "kring_events_failed_total", "kring_events_retried_total", "kring_events_parked_total",
        "kring_events_handled_total", "kring_event_handling_seconds_count")}
    FAILURES["left"] = 3  # the first attempt and both retries
    calls = []
    with entrypoint_waiter(flaky, "on_flaky", timeout=20,
                           callback=lambda *args: calls.append(1) or len(calls) == 3):
        publish_event(sqlite_config["AMQP_URI"], make_event(
            "referral", "referral_withdrawn", "r-1", by_role="family"))

    after = scrape(web_config_port)

    def delta(name):
        return value(after, name, service="notify", consumer=QUEUE) - before[name]

    assert delta("kring_events_failed_total") == 3
    assert delta("kring_events_retried_total") == 2
    assert delta("kring_events_parked_total") == 1
    assert delta("kring_events_handled_total") == 0
    assert delta("kring_event_handling_seconds_count") == 3
    queue = {"service": "notify", "queue": "kring.notify.dead"}
    assert value(after, "kring_parked_messages", **queue) == 1
    expires_in = value(after, "kring_parked_oldest_expires_in_seconds", **queue)
    assert 29 * 86400 < expires_in <= 30 * 86400  # parked just now, dropped after 30 days
    for status in ("sent", "suppressed", "pending", "failed"):
        assert value(after, "kring_notices", service="notify", status=status) == 0
    assert value(after, "kring_outbox_unsent", service="notify") == 0
