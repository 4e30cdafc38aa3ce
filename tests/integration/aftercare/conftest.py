"""The aftercare service in a real container, fed casework's and referral's events over the
real broker (tests/support/integration/aftercare.py); a queue of the test's own listens to what
aftercare emits."""
import pytest

from services.aftercare.service import AftercareService
from tests.support.events import listening_to


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
