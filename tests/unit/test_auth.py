"""Signed bearer tokens: who is calling, until when, and what each refusal looks like."""
import time

import pytest

from kring.errors import Forbidden, Unauthenticated
from kring.kit.auth import ROLES, Identity, create_token, read_token

SECRET = "unit-test-secret-of-at-least-32-bytes!"


def bearer(token):
    return f"Bearer {token}"


@pytest.mark.parametrize("role", ROLES)
def test_a_created_token_reads_back(role):
    token = create_token(SECRET, "huisarts-oost", role, ttl=60, subject="u-7")
    assert read_token(SECRET, bearer(token)) == Identity("huisarts-oost", role, "u-7")


def test_the_scheme_is_case_insensitive_and_the_subject_optional():
    token = create_token(SECRET, "huisarts-oost", "referrer")
    assert read_token(SECRET, f"bearer {token}") == Identity("huisarts-oost", "referrer", None)


def test_an_expired_token_is_refused():
    an_hour_ago = time.time() - 3600
    token = create_token(SECRET, "huisarts-oost", "referrer", ttl=60, now=an_hour_ago)
    with pytest.raises(Unauthenticated, match="expired"):
        read_token(SECRET, bearer(token))


def test_a_token_signed_with_another_key_is_refused():
    token = create_token("another-secret-of-at-least-32-bytes!!", "huisarts-oost", "referrer")
    with pytest.raises(Unauthenticated, match="not valid"):
        read_token(SECRET, bearer(token))


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNzd29yZA==", "Token abc"])
def test_a_missing_header_or_another_scheme_is_refused(header):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, header)


def test_basic_with_a_valid_token_is_still_refused():
    token = create_token(SECRET, "huisarts-oost", "referrer")
    with pytest.raises(Unauthenticated, match="Bearer"):
        read_token(SECRET, f"Basic {token}")


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "x" * 500, "ée.ü.ñ", "....."])
def test_garbage_tokens_are_refused(garbage):
    with pytest.raises(Unauthenticated):
        read_token(SECRET, bearer(garbage))


@pytest.mark.parametrize("org,role,ttl", [
    ("huisarts-oost", "family", 60), ("huisarts-oost", "", 60), ("", "referrer", 60),
    ("x" * 129, "referrer", 60), ("huisarts-oost", "referrer", 0),
    ("huisarts-oost", "referrer", -5)])
def test_create_refuses_bad_claims(org, role, ttl):
    with pytest.raises(ValueError):
        create_token(SECRET, org, role, ttl=ttl)


def test_a_token_with_a_role_outside_the_list_is_refused():
    import jwt  # a token from a key holder that skipped create_token's checks
    now = int(time.time())
    token = jwt.encode({"iss": "kring", "org": "o", "role": "superuser", "iat": now,
                        "exp": now + 60}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthenticated):
        read_token(SECRET, bearer(token))


def test_require_lets_the_named_roles_through_and_refuses_others():
    coordinator = Identity("home-start-oost", "coordinator")
    coordinator.require("coordinator", "admin")  # no exception
    with pytest.raises(Forbidden, match="referrer"):
        coordinator.require("referrer")
