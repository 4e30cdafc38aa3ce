"""The portal with the real referral and matching services in one process, as `kring run` runs
them: one port, the API under /api/v1, the portal at /; real broker, real databases."""
import pytest

from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from services.matching.service import MatchingService
from services.portal.service import PortalService
from services.referral.service import ReferralService
from tests.support.portal import Person


@pytest.fixture
def stack(container_factory, kring_config):
    for service in (ReferralService, MatchingService, PortalService):
        container_factory(service, kring_config).start()
    return kring_config


@pytest.fixture
def portal_engine(stack):
    engine = make_engine(stack[DATABASES_KEY]["portal"])
    yield engine
    engine.dispose()


@pytest.fixture
def people(stack, portal_engine, web_config_port):
    """People in browsers of their own (each its own cookies)."""
    made = []

    def person():
        made.append(Person(web_config_port, portal_engine))
        return made[-1]
    yield person
    for each in made:
        each.close()
