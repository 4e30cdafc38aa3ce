"""The use cases of a family's own application on a real (SQLite) unit of work: submitting
within the limits, confirming once (also after a confirmation that made the referral and was
cut off before it marked the application), and the sweep."""
from datetime import datetime, timedelta, timezone

import pytest

from kring.contracts.self_referral import (ConfirmSelfReferral, SelfReferralAsReferral,
                                           SubmitSelfReferral)
from kring.errors import Invalid, NotFound, RateLimited
from kring.kit.access import PUBLIC_ORGANISATION, PUBLIC_PERSON, PUBLIC_ROLE, Caller
from kring.kit.auth import Identity
from services.referral import handlers
from services.referral.models import Applications, Referrals
from services.referral.self_referral import SELF_ORG, token_hash
from services.referral.self_referral_handlers import (confirm_self_referral, forget_expired,
                                                      submit_self_referral)
from tests.support.databases import outbox
from tests.support.directory import TEST_DIRECTORY
from tests.support.sample import self_referral_body

SECRET = "kring-secret-of-the-unit-tests-32-characters"
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def directory(uow):
    handlers.apply_directory(uow, str(TEST_DIRECTORY))


def caller(operation="submitSelfReferral", remote="192.0.2.1"):
    made = Caller(Identity(PUBLIC_ORGANISATION, PUBLIC_ROLE, PUBLIC_PERSON), operation)
    made.remote = remote
    return made


def submit(uow, remote="192.0.2.1", now=NOW, **fields):
    body = SubmitSelfReferral().load(self_referral_body(**fields))
    return submit_self_referral(uow, caller(remote=remote), body, SECRET, now)


def token_of(uow):
    """The token, as only the e-mail's event has it."""
    return [event["data"]["token"] for event in outbox(uow)
            if event["type"] == "self_referral_submitted"][-1]


def confirm(uow, token, now=NOW):
    token = ConfirmSelfReferral().load({"token": token})["token"]
    return confirm_self_referral(uow, caller("confirmSelfReferral"), token, SECRET, now)


def test_an_application_becomes_one_referral(uow):
    assert submit(uow) == (202, {"status": "awaiting_confirmation"})
    token = token_of(uow)
    status, made = confirm(uow, token)
    assert status == 201
    again = confirm(uow, token, NOW + timedelta(days=3))  # its answer outlives the day
    assert again == (200, made)
    with uow:
        referral = Referrals(uow).get(made["referral_id"])
        assert (referral.org, referral.self_referred) == (SELF_ORG, True)
        assert referral.coordinating_org == "home-start-oost"
        application = Applications(uow).by_token(token_hash(token))
        assert application.content is None and application.referral_id == made["referral_id"]


def test_a_confirmation_cut_off_before_it_marked_the_application_is_healed(uow):
    submit(uow)
    token = token_of(uow)
    with uow:  # the referral was made, and then the process died
        body = Applications(uow).by_token(token_hash(token)).as_referral()
    view, created = handlers.submit_referral(uow, SELF_ORG, SelfReferralAsReferral().load(body),
                                             SECRET, schema=SelfReferralAsReferral)
    assert created
    assert confirm(uow, token) == (200, {"referral_id": view["referral_id"],
                                         "status": "received"})
    with uow:
        assert Applications(uow).by_token(token_hash(token)).referral_id == view["referral_id"]


def test_unknown_and_expired_tokens_answer_alike(uow):
    with pytest.raises(NotFound):
        confirm(uow, "no-such-token")
    submit(uow)
    with pytest.raises(NotFound):
        confirm(uow, token_of(uow), NOW + timedelta(days=1))


def test_the_limits_per_address_and_per_email_address(uow):
    for number in range(5):
        submit(uow, email=f"p{number}@example.org")
    with pytest.raises(RateLimited) as refused:
        submit(uow, email="p5@example.org")
    assert refused.value.retry_after == 30 * 60
    for number in range(2):  # p0 has one already today
        submit(uow, remote=f"198.51.100.{number}", email="P0@example.org")
    with pytest.raises(RateLimited) as refused:
        submit(uow, remote="198.51.100.9", email="p0@example.org")
    assert refused.value.retry_after == 13.5 * 3600


def test_a_family_nobody_serves_is_refused_and_not_counted_for_its_email(uow):
    body = self_referral_body()
    body["family"]["municipality"] = "Amersfoort"
    for number in range(4):
        with pytest.raises(Invalid):
            submit_self_referral(uow, caller(remote=f"198.51.100.{number}"),
                                 SubmitSelfReferral().load(body), SECRET, NOW)
    assert submit(uow, remote="198.51.100.99")[0] == 202


def test_the_sweep_takes_what_expired(uow):
    submit(uow)
    token = token_of(uow)
    assert forget_expired(uow, NOW + timedelta(hours=23)) == 0
    assert forget_expired(uow, NOW + timedelta(days=1)) == 1
    with pytest.raises(NotFound):
        confirm(uow, token, NOW + timedelta(days=1))
