"""The notify service fed the other services' events over the real broker, its use cases run
directly on its own database, and the mails it sent."""
from kring.config import DATA_DIR_KEY, SMTP_KEY
from kring.contracts.events import make_event
from kring.clock import utcnow
from services.notify import handlers
from services.notify.delivery import make_transport
from services.notify.marks import Marks
from tests.support.databases import unit_of_work
from tests.support.events import deliver as deliver_events

# the family details a referral comes with; notify never receives them, and no notice shows them
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting", "parenting")


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
                      coordinating_org=coordinating_org,
                      case_started_at=case_started_at)


def consent_withdrawn(referral_id):
    return make_event("referral", "consent_withdrawn", referral_id)


def deliver(container, *events):
    """Publish `events` (all of one source) and return once the service has handled them all."""
    deliver_events(container, container.config["AMQP_URI"], *events)


def decided(container, *events):
    """Apply `events` through notify's handlers directly, as its entrypoints would, but
    without sending: the test sends when it chooses."""
    for event in events:
        entrypoint = "on_casework" if event.type == "case_started" else "on_referral"
        handlers.react(unit_of_work(container, inbox_key=entrypoint), event, utcnow())


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
