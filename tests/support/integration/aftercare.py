"""The aftercare service fed casework's and referral's events over the real broker, and the
tokens of the coordinators who work on its plans."""
import uuid

from kring.contracts.events import make_event
from tests.support.api import token
from tests.support.events import deliver

ORG = "home-start-oost"  # the organisation every plan here is routed to, unless told
COORDINATOR = token(ORG, "coordinator")
OTHER_COORDINATOR = token("buurtgezin-west", "coordinator")  # of another organisation


def handed_over(referral_id=None, case_id=None, severity="high", coordinator_org=ORG,
                support_figures=()):
    """`coordinator_org` None: a handover sent before casework named it. `support_figures`:
    those who stay involved (figure_id, name, functions)."""
    return make_event("casework", "case_handed_over", referral_id or str(uuid.uuid4()),
                      case_id=case_id or str(uuid.uuid4()), supporter_id="s-1",
                      receiving_kind="municipality", receiving_name="Gemeente Utrecht",
                      severity=severity, coordinator_org=coordinator_org,
                      support_figures=list(support_figures))


def withdrawn(referral_id):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family")


def start_plan(aftercare, config, emitted, **kwargs):
    """Hand a case over; returns (the event, the aftercare_started event it led to)."""
    event = handed_over(**kwargs)
    deliver(aftercare, config["AMQP_URI"], event)
    return event, emitted.next()
