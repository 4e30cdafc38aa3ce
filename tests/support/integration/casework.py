"""The casework service fed matching's, referral's and aftercare's events over the real broker,
and the tokens of the people who work a case."""
import uuid

from kring.contracts.events import make_event
from tests.support.api import token
from tests.support.events import deliver

ORG = "home-start-oost"  # the organisation every case here is routed to
SUPPORTER_ID = "s-1"
COORDINATOR = token(ORG, "coordinator")
SUPPORTER = token(ORG, "supporter", subject=SUPPORTER_ID)
OTHER_SUPPORTER = token(ORG, "supporter", subject="s-2")
OTHER_COORDINATOR = token("buurtgezin-west", "coordinator")  # of another organisation


def match_made(referral_id=None, severity="medium"):
    return make_event("matching", "match_made", referral_id or str(uuid.uuid4()),
                      proposal_id=str(uuid.uuid4()), supporter_id=SUPPORTER_ID,
                      supporter_kind="volunteer", severity=severity, coordinator_org=ORG,
                      programme="home-start")


def withdrawn(referral_id):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family")


def relapse(referral_id, case_id):
    return make_event("aftercare", "relapse_reported", referral_id,
                      aftercare_id=str(uuid.uuid4()), case_id=case_id)


def open_case(casework, config, emitted, **kwargs):
    """Make a match; returns (the match_made event, the case_started event it led to)."""
    event = match_made(**kwargs)
    deliver(casework, config["AMQP_URI"], event)
    return event, emitted.next()
