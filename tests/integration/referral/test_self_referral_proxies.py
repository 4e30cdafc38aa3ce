"""Whose address a limit counts (docs/contract.md §2 KRING_TRUSTED_PROXIES): a caller that is no
trusted proxy is counted by its own address, whatever `X-Forwarded-For` it sends, so it
cannot spread its applications over made-up addresses."""
import pytest

from kring.config import TRUSTED_PROXIES_KEY
from services.referral.service import ReferralService
from tests.support.sample import self_referral_body


@pytest.fixture(autouse=True)
def service(container_factory, kring_config):
    # the tests call from loopback, which is then no proxy of ours
    container = container_factory(ReferralService,
                                  dict(kring_config, **{TRUSTED_PROXIES_KEY: "10.0.0.1"}))
    container.start()
    return container


def test_forwarded_addresses_from_an_untrusted_caller_are_not_believed(api):
    answers = [api.post("/self-referrals", json=self_referral_body(email=f"p{n}@example.org"),
                        headers={"X-Forwarded-For": f"192.0.2.{n}",
                                 "X-Real-IP": f"198.51.100.{n}"}).status_code
               for n in range(6)]
    assert answers == [202] * 5 + [429]
