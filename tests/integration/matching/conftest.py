"""The matching service in a real container, fed referral's and casework's events over the real
broker (tests/support/integration/matching.py); a queue of the test's own listens to what
matching emits."""
import pytest
from nameko.testing.services import restrict_entrypoints

from services.matching.service import MatchingService
from services.referral.service import ReferralService
from tests.support.events import deliver as deliver_event, listening_to


@pytest.fixture
def emitted(kring_config):
    """Everything matching publishes, bound before the service starts so nothing is missed."""
    with listening_to(kring_config["AMQP_URI"], "matching") as events:
        yield events


@pytest.fixture
def matching(container_factory, kring_config, emitted):
    container = container_factory(MatchingService, kring_config)
    container.start()
    return container


@pytest.fixture
def deliver(matching, kring_config):
    """Publish an event as its source service would, and wait until matching has handled it."""
    return lambda event: deliver_event(matching, kring_config["AMQP_URI"], event)


@pytest.fixture
def referral_owners(container_factory, kring_config):
    """The referral service answering only whose a referral is, as matching asks for one it
    has not heard of (kring.kit.unheard): without it such an intake is 503, for any id."""
    container = container_factory(ReferralService, kring_config)
    restrict_entrypoints(container, "referral_owner")
    container.start()
    return container
