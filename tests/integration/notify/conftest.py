"""The notify service in a real container, fed the other services' events over the real broker,
delivering to a real SMTP server (aiosmtpd in a process of its own on loopback)."""
import pytest
from nameko.testing.utils import find_free_port, get_extension

from kring.config import DATA_DIR_KEY, SMTP_KEY
from kring.clock import utcnow
from kring.contracts.events import make_event
from kring.kit.db import Database
from services.notify import handlers
from services.notify.delivery import make_transport
from services.notify.marks import Marks
from services.notify.service import SWEEP_SECONDS_KEY, NotifyService
from tests.integration.events import deliver as deliver_events
from tests.processes import SmtpServer

# the family details a referral comes with; notify never receives them, and no notice shows them
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting", "parenting")


@pytest.fixture
def smtp_port():
    return find_free_port()


@pytest.fixture
def smtp(tmp_path, smtp_port):
    server = SmtpServer(tmp_path / "maildir", smtp_port).start()
    yield server
    server.kill()


@pytest.fixture
def smtp_config(kring_config, smtp_port):
    """Notices by SMTP; the timer is kept out of the way so each test drives time itself."""
    return dict(kring_config, **{
        SMTP_KEY: {"host": "127.0.0.1", "port": smtp_port, "from": "kring@example.org"},
        SWEEP_SECONDS_KEY: 3600})


@pytest.fixture
def files_config(kring_config):
    """Notices as .eml files; the timer is kept out of the way so each test drives time."""
    return dict(kring_config, **{SWEEP_SECONDS_KEY: 3600})


@pytest.fixture
def notify_factory(container_factory):
    def start(config):
        container = container_factory(NotifyService, config)
        container.start()
        return container
    return start


def received(referral_id, share=True, language="nl", external_ref="HA-2026-0042"):
    return make_event("referral", "referral_received", referral_id, programme="home-start",
                      organisation="huisarts-oost", external_ref=external_ref,
                      municipality="Utrecht", languages=["nl", "tr"], domains=["parenting"],
                      urgency="normal", referrer_email="j.devries@example.org",
                      referrer_language=language, referrer_organisation="Huisartsenpraktijk Oost",
                      share_status_with_referrer=share, partner=None, family_key="k-1")


def case_started(referral_id, coordinator_org="Home-Start Oost"):
    return make_event("casework", "case_started", referral_id, case_id="c-1",
                      supporter_id="s-1", severity="medium", coordinator_org=coordinator_org)


def closed(referral_id, outcome="completed", coordinating_org="Home-Start Oost",
           case_started_at=None):
    return make_event("referral", "referral_closed", referral_id, outcome=outcome,
                      reason=None, coordinating_org=coordinating_org,
                      case_started_at=case_started_at)


def deliver(container, *events):
    """Publish `events` (all of one source) and return once the service has handled them all."""
    deliver_events(container, container.config["AMQP_URI"], *events)


def unit_of_work(container):
    """The service's own database, as its workers see it (for the sender and the log)."""
    return get_extension(container, Database).unit_of_work()


def decided(container, *events):
    """Apply `events` through notify's handlers directly, as its entrypoints would, but
    without sending: the test sends when it chooses."""
    for event in events:
        entrypoint = "on_casework" if event.type == "case_started" else "on_referral"
        uow = get_extension(container, Database).unit_of_work(inbox_key=entrypoint)
        handlers.react(uow, event, utcnow())


def transport(container):
    return make_transport(container.config[SMTP_KEY], container.config[DATA_DIR_KEY])


def marks(container):
    return Marks.under(container.config[DATA_DIR_KEY])


def send_due(container, now):
    return handlers.send_due(unit_of_work(container), transport(container), marks(container),
                             now)


def delivery_log(container, referral_id):
    return {notice["kind"]: notice
            for notice in handlers.delivery_log(unit_of_work(container), referral_id)}


def mails(smtp, referral_id):
    return [m for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]


def text_of(mail):
    return mail.get_payload(decode=True).decode("utf-8")
