"""The portal in real headless Chromium (tests/browser/scenario.py, a process of its own) against
the services run here as in tests/integration/portal: referral, matching and the portal on one
port, the real broker, SQLite."""
import pytest

from tests.support.portal import portal_engine_of, start_portal_stack


@pytest.fixture
def stack(container_factory, sqlite_config):
    return start_portal_stack(container_factory, sqlite_config)


@pytest.fixture
def portal_engine(stack):
    engine = portal_engine_of(stack)
    yield engine
    engine.dispose()
