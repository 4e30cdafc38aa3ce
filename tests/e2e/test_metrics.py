"""What an operator sees at GET /metrics and GET /api/v1/ready after a referral went the whole
loop: the requests it made, the events each consumer handled, the notices sent, an empty
outbox, every service ready, and nothing that names a referral or a family."""
import io
import re

import pytest
import requests

from kring.config import APPS, SERVICES
from kring.demo import Demo
from tests.support.api import TEST_SECRET
from tests.support.metrics import scrape, total, value
from tests.support.waiting import eventually


@pytest.fixture
def demo(stack_api):
    walker = Demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=io.StringIO())
    yield walker
    walker.close()


def test_metrics_count_what_a_referral_supported_to_the_end_caused(demo, web_config_port):
    demo.register_supporters()
    before = scrape(web_config_port)  # the counters are the process's, kept across tests
    referral_id = demo.supported_to_the_end()
    after = eventually(lambda: (lambda now: now if value(
        now, "kring_notices", service="notify", status="sent") == 2 else None)(
        scrape(web_config_port)), what="both notices counted as sent")

    def counted(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert counted("kring_http_requests_total", service="referral",
                   operation="submitReferral", status="201") == 1
    assert counted("kring_http_requests_total", service="matching",
                   operation="recordIntake", status="201") == 1
    assert counted("kring_http_request_duration_seconds_count", service="referral",
                   operation="submitReferral") == 1
    for consumer in ("kring.matching.on_referral.referral", "kring.casework.on_matching.matching",
                     "kring.aftercare.on_casework.casework", "kring.notify.on_casework.casework",
                     "kring.referral.on_aftercare.aftercare"):
        service = consumer.split(".")[1]
        assert counted("kring_events_handled_total", service=service, consumer=consumer) >= 1, \
            consumer
        assert counted("kring_event_handling_seconds_count", service=service,
                       consumer=consumer) >= 1, consumer
    assert total(after, "kring_events_failed_total") == total(before, "kring_events_failed_total")
    assert total(after, "kring_events_parked_total") == total(before, "kring_events_parked_total")
    assert value(after, "kring_notices", service="notify", status="failed") == 0

    settled = eventually(lambda: (lambda now: now if total(
        now, "kring_outbox_unsent") == 0 else None)(scrape(web_config_port)),
        what="every outbox published")
    for service in SERVICES:
        assert value(settled, "kring_ready", service=service) == 1, service
        assert value(settled, "kring_database_up", service=service) == 1, service
        assert value(settled, "kring_outbox_oldest_unsent_age_seconds", service=service) == 0
        assert (("kring_parked_messages", frozenset(
            {"service": service, "queue": f"kring.{service}.dead"}.items())) in settled)
    assert value(settled, "kring_waiting_list_length", service="matching",
                 programme="home-start") == 0
    assert value(settled, "kring_supporter_free_capacity", service="matching",
                 programme="home-start") > 0
    assert value(settled, "kring_aftercare_contacts_overdue", service="aftercare") == 0

    text = requests.get(f"http://127.0.0.1:{web_config_port}/metrics", timeout=30).text
    assert referral_id not in text
    uuids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
    assert uuids == [], "an id in /metrics"
    assert "Yilmaz" not in text and "j.devries" not in text


def test_ready_says_every_service_is_ready(stack_api):
    answer = stack_api.get("/ready")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready"
    assert sorted(body["services"]) == sorted(SERVICES + APPS)
    for service in SERVICES:
        assert body["services"][service] == {"database": "ok", "broker": "ok", "consumers": "ok"}
    for app in APPS:  # the portal reads no queue: its own store is all it needs
        assert body["services"][app] == {"database": "ok"}
    assert stack_api.get("/health").json() == {"status": "ok"}
