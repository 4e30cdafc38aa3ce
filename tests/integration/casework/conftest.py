"""The casework service in a real container, fed matching's, referral's and aftercare's events
over the real broker; a queue of the test's own listens to what casework emits."""
import uuid

import pytest
from nameko.testing.utils import get_extension

from kring.contracts.events import make_event
from kring.kit.auth import create_token
from kring.kit.db import Database
from services.casework.service import CaseworkService
from tests.integration.events import deliver, listening_to  # noqa: F401 (used by the tests)
from tests.conftest import TEST_SECRET, token

SUPPORTER_ID = "s-1"
COORDINATOR = token("home-start-oost", "coordinator")
SUPPORTER = create_token(TEST_SECRET, "home-start-oost", "supporter", 600, subject=SUPPORTER_ID)
OTHER_SUPPORTER = create_token(TEST_SECRET, "home-start-oost", "supporter", 600, subject="s-2")


@pytest.fixture
def emitted(kring_config):
    """Everything casework publishes, bound before the service starts so nothing is missed."""
    with listening_to(kring_config["AMQP_URI"], "casework") as events:
        yield events


@pytest.fixture
def casework(container_factory, kring_config, emitted):
    container = container_factory(CaseworkService, kring_config)
    container.start()
    return container




def match_made(referral_id=None, severity="medium"):
    return make_event("matching", "match_made", referral_id or str(uuid.uuid4()),
                      proposal_id=str(uuid.uuid4()), supporter_id=SUPPORTER_ID,
                      supporter_kind="volunteer", severity=severity,
                      coordinator_org="home-start-oost")


def withdrawn(referral_id):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family",
                      reason="the family stops")


def relapse(referral_id, case_id):
    return make_event("aftercare", "relapse_reported", referral_id,
                      aftercare_id=str(uuid.uuid4()), case_id=case_id)


def open_case(casework, config, emitted, **kwargs):
    """Make a match; returns (the match_made event, the case_started event it led to)."""
    event = match_made(**kwargs)
    deliver(casework, config["AMQP_URI"], event)
    return event, emitted.next()


def unit_of_work(container):
    """A unit of work on the container's own database, to count rows directly."""
    return get_extension(container, Database).unit_of_work()
