"""Partner organisations of the test's own, each with only a broker account
(tests/support/integration/partner.py), and the referral service they talk to."""
import uuid

import pytest

from services.referral.service import ReferralService
from tests.support.integration.partner import make_partner


@pytest.fixture
def referral_service(container_factory, kring_config):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


@pytest.fixture
def partners(rabbit_manager, rabbit_config, referral_service):
    made = []

    def make():
        client = make_partner(rabbit_manager, rabbit_config, f"p-{uuid.uuid4().hex[:8]}")
        made.append(client.partner)
        return client

    yield make
    for name in made:
        rabbit_manager._delete("users", name)
