"""The portal in real headless Chromium (tests/browser/scenario.py, a process of its own) against
the services run here as in tests/integration/portal: referral, matching and the portal on one
port, the real broker, SQLite."""
import pytest

from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from services.matching.service import MatchingService
from services.portal.service import PortalService
from services.referral.service import ReferralService


@pytest.fixture
def stack(container_factory, sqlite_config):
    for service in (ReferralService, MatchingService, PortalService):
        container_factory(service, sqlite_config).start()
    return sqlite_config


@pytest.fixture
def portal_engine(stack):
    engine = make_engine(stack[DATABASES_KEY]["portal"])
    yield engine
    engine.dispose()
