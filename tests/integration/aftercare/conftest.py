"""The aftercare service in a real container, fed casework's and referral's events over the
real broker; a queue of the test's own listens to what aftercare emits."""
import uuid

import pytest
from nameko.testing.utils import get_extension

from kring.contracts.events import make_event
from kring.kit.db import Database
from services.aftercare.service import AftercareService
from tests.integration.events import deliver, listening_to  # noqa: F401 (used by the tests)



@pytest.fixture
def emitted(kring_config):
    """Everything aftercare publishes, bound before the service starts so nothing is missed."""
    with listening_to(kring_config["AMQP_URI"], "aftercare") as events:
        yield events


@pytest.fixture
def aftercare(container_factory, kring_config, emitted):
    container = container_factory(AftercareService, kring_config)
    container.start()
    return container




def handed_over(referral_id=None, case_id=None, severity="high"):
    return make_event("casework", "case_handed_over", referral_id or str(uuid.uuid4()),
                      case_id=case_id or str(uuid.uuid4()), supporter_id="s-1",
                      receiving_kind="municipality", receiving_name="Gemeente Utrecht",
                      severity=severity)


def withdrawn(referral_id):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family",
                      reason="the family stops")


def unit_of_work(container):
    """A unit of work on the container's own database, to run a handler directly."""
    return get_extension(container, Database).unit_of_work()


def start_plan(aftercare, config, emitted, **kwargs):
    """Hand a case over; returns (the event, the aftercare_started event it led to)."""
    event = handed_over(**kwargs)
    deliver(aftercare, config["AMQP_URI"], event)
    return event, emitted.next()

