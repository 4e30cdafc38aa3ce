
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.sample import referral_body


def test_submit_and_read(container_factory, kring_config, api):
    container = container_factory(ReferralService, kring_config)
    container.start()
    created = api.post("/referrals", token(), json=referral_body())
    assert created.status_code == 201, created.text
    referral_id = created.json()["referral_id"]
    shown = api.get(f"/referrals/{referral_id}", token())
    assert shown.json()["status"] == "received"
