"""The portal with the real referral and matching services in one process, as `kring run` runs
them: one port, the API under /api/v1, the portal at /; real broker, real databases."""
import pytest

from tests.support.portal import Person, portal_engine_of, start_portal_stack


@pytest.fixture
def stack(container_factory, kring_config):
    return start_portal_stack(container_factory, kring_config)


@pytest.fixture
def portal_engine(stack):
    engine = portal_engine_of(stack)
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
