"""The casework service in a real container, fed matching's, referral's and aftercare's events
over the real broker (tests/support/integration/casework.py); a queue of the test's own listens
to what casework emits."""
import pytest

from services.casework.service import CaseworkService
from tests.support.events import listening_to


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
