"""Signed bearer tokens: who is calling, until when, and what each refusal looks like."""
import time

import jwt
import pytest

from kring.errors import Forbidden, Unauthenticated
from kring.kit.auth import (LEEWAY_SECONDS, MAX_TTL_SECONDS, ROLES, Identity, create_token,
                            read_token)
from kring.kit.keys import TOKEN_SIGNING, derive

SECRET = "unit-test-secret-of-at-least-32-bytes!"
NEXT_SECRET = "the-next-secret-after-a-rotation-0123"


def bearer(token):
    return f"Bearer {token}"


def signed(claims, key=None):
    """A token from a key holder that skipped create_token's checks."""
    return jwt.encode(claims, key or derive(SECRET, TOKEN_SIGNING), algorithm="HS256")


def claims(**changes):
    now = int(time.time())
    return {"iss": "kring", "org": "o", "role": "referrer", "sub": "anna", "iat": now,
            "exp": now + 60, **changes}


@pytest.mark.parametrize("role", ROLES)
def test_a_created_token_reads_back_with_its_person(role):
    token = create_token(SECRET, "huisarts-oost", role, "u-7", ttl=60)
    assert read_token(SECRET, bearer(token)) == Identity("huisarts-oost", role, "u-7")


def test_the_scheme_is_case_insensitive():
    token = create_token(SECRET, "huisarts-oost", "referrer", "anna")
    assert read_token(SECRET, f"bearer {token}").subject == "anna"


def test_an_expired_token_is_refused():
    an_hour_ago = time.time() - 3600
    token = create_token(SECRET, "huisarts-oost", "referrer", "anna", ttl=60, now=an_hour_ago)
    with pytest.raises(Unauthenticated, match="expired"):
        read_token(SECRET, bearer(token))


def test_a_clock_a_little_behind_or_ahead_is_forgiven_but_not_more():
    just_expired = create_token(SECRET, "o", "referrer", "anna", ttl=60,
                                now=time.time() - 60 - LEEWAY_SECONDS // 2)
    assert read_token(SECRET, bearer(just_expired)).org == "o"
    from_the_future = signed(claims(iat=int(time.time()) + 5 * LEEWAY_SECONDS,
                                    exp=int(time.time()) + 600))
    with pytest.raises(Unauthenticated, match="not valid"):
        read_token(SECRET, bearer(from_the_future))


def test_a_token_signed_with_another_key_is_refused():
    token = create_token("another-secret-of-at-least-32-bytes!!", "huisarts-oost", "referrer",
                         "anna")
    with pytest.raises(Unauthenticated, match="not valid"):
        read_token(SECRET, bearer(token))


def test_the_secret_itself_signs_nothing_only_the_key_derived_for_tokens_does():
    with pytest.raises(Unauthenticated, match="not valid"):
        read_token(SECRET, bearer(signed(claims(), key=SECRET)))
    assert read_token(SECRET, bearer(signed(claims()))).org == "o"


def test_during_a_rotation_the_previous_secret_still_verifies_what_it_signed():
    before = create_token(SECRET, "o", "referrer", "anna")
    after = create_token([NEXT_SECRET, SECRET], "o", "referrer", "anna")
    assert read_token([NEXT_SECRET, SECRET], bearer(before)).subject == "anna"
    assert read_token([NEXT_SECRET, SECRET], bearer(after)).subject == "anna"
    with pytest.raises(Unauthenticated):  # the rotation is over: the old one is dropped
        read_token([NEXT_SECRET, None], bearer(before))
    with pytest.raises(Unauthenticated):  # a new token is signed with the new secret only
        read_token(SECRET, bearer(after))


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNzd29yZA==", "Token abc"])
def test_a_missing_header_or_another_scheme_is_refused(header):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, header)


def test_basic_with_a_valid_token_is_still_refused():
    token = create_token(SECRET, "huisarts-oost", "referrer", "anna")
    with pytest.raises(Unauthenticated, match="Bearer"):
        read_token(SECRET, f"Basic {token}")


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "x" * 500, "ée.ü.ñ", "....."])
def test_garbage_tokens_are_refused(garbage):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, bearer(garbage))


@pytest.mark.parametrize("org,role,subject,ttl", [
    ("huisarts-oost", "family", "anna", 60), ("huisarts-oost", "", "anna", 60),
    ("", "referrer", "anna", 60), ("   ", "referrer", "anna", 60),
    ("x" * 129, "referrer", "anna", 60), ("huisarts-oost", "referrer", "", 60),
    ("huisarts-oost", "referrer", None, 60), ("huisarts-oost", "referrer", "a\nb", 60),
    ("huisarts-oost", "referrer", "a\x00b", 60), ("huisarts-oost", "referrer", "anna", 0),
    ("huisarts-oost", "referrer", "anna", -5),
    ("huisarts-oost", "referrer", "anna", MAX_TTL_SECONDS + 1)])
def test_create_refuses_bad_claims(org, role, subject, ttl):
    with pytest.raises(ValueError):
        create_token(SECRET, org, role, subject, ttl=ttl)


@pytest.mark.parametrize("changes", [
    {"role": "superuser"}, {"org": ""}, {"org": "  "}, {"sub": ""}, {"org": 7}, {"sub": ["a"]},
    {"sub": "a\ud800b"}, {"sub": "a\x00b"}, {"sub": "anna\nFAKE AUDIT LINE"}, {"org": "o\tp"}])
def test_a_token_that_create_token_would_not_make_is_refused(changes):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, bearer(signed(claims(**changes))))


def test_a_token_that_lives_longer_than_a_token_may_is_refused():
    made = claims()
    made["exp"] = made["iat"] + MAX_TTL_SECONDS + 600
    with pytest.raises(Unauthenticated, match="longer than 12 hours"):
        read_token(SECRET, bearer(signed(made)))


def test_a_token_without_a_person_is_refused():
    without = claims()
    del without["sub"]
    with pytest.raises(Unauthenticated):
        read_token(SECRET, bearer(signed(without)))


def test_require_lets_the_named_roles_through_and_refuses_others():
    coordinator = Identity("home-start-oost", "coordinator", "carla")
    coordinator.require("coordinator", "admin")  # no exception
    with pytest.raises(Forbidden, match="referrer"):
        coordinator.require("referrer")
