"""One secret, a key per purpose, and a rotation that does not break what is on its way."""
from types import SimpleNamespace

import pytest

from kring.kit.keys import PARTNER_IDENTITY, PURPOSES, TOKEN_SIGNING, derive
from kring.kit.partner_identity import (USER_HEADER, USER_SIGNATURE_HEADER, sign_user,
                                        vouch_for, vouched_user)

SECRET = "unit-test-secret-of-at-least-32-bytes!"
NEXT_SECRET = "the-next-secret-after-a-rotation-0123"


def test_each_purpose_has_its_own_key_and_none_is_the_secret():
    keys = {purpose: derive(SECRET, purpose) for purpose in PURPOSES}
    assert len(set(keys.values())) == len(PURPOSES)
    assert SECRET not in keys.values()
    assert derive(SECRET, TOKEN_SIGNING) == derive(SECRET, TOKEN_SIGNING)  # stable
    assert derive(NEXT_SECRET, TOKEN_SIGNING) != derive(SECRET, TOKEN_SIGNING)


def test_an_unknown_purpose_gets_no_key():
    with pytest.raises(ValueError):
        derive(SECRET, "anything")


def partner_message(user_id=None, headers=None, message_id="m-1"):
    properties = {"message_id": message_id}
    if user_id:
        properties["user_id"] = user_id
    return SimpleNamespace(properties=properties, headers=headers or {})


def republished(secrets, user_id="ggd-utrecht"):
    """The copy of a partner's message that a retry publishes: the user in a signed header."""
    headers = {}
    vouch_for(secrets, partner_message(user_id), headers)
    return partner_message(headers=headers)


def test_a_republished_copy_keeps_its_partner_through_a_rotation():
    before = republished(SECRET)
    assert vouched_user(SECRET, before) == "ggd-utrecht"
    # rotated while the copy waited in a delay queue: the previous secret still vouches
    assert vouched_user([NEXT_SECRET, SECRET], before) == "ggd-utrecht"
    # the rotation is over: nothing signed before it is believed any more
    assert vouched_user([NEXT_SECRET, None], before) is None


def test_a_copy_signed_with_the_token_key_or_the_bare_secret_is_not_believed():
    for wrong_key in (derive(SECRET, TOKEN_SIGNING), SECRET):
        forged = partner_message(headers={
            USER_HEADER: "ggd-utrecht",
            USER_SIGNATURE_HEADER: sign_user(wrong_key, "ggd-utrecht", "m-1")})
        assert vouched_user(SECRET, forged) is None
    genuine = partner_message(headers={
        USER_HEADER: "ggd-utrecht",
        USER_SIGNATURE_HEADER: sign_user(derive(SECRET, PARTNER_IDENTITY), "ggd-utrecht", "m-1")})
    assert vouched_user(SECRET, genuine) == "ggd-utrecht"


def test_the_broker_user_is_believed_as_it_is():
    assert vouched_user(SECRET, partner_message("ggd-utrecht")) == "ggd-utrecht"
