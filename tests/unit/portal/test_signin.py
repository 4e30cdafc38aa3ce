"""Sign-in links and sessions on a throw-away database: once, for 15 minutes, hashed."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import LanguageAccept

from kring.clock import utcnow
from kring.kit.db import make_engine
from kring.kit.migrations import migrate
from services.portal import signin, words
from services.portal.models import sessions, sign_in_links
from services.portal.visit import safe_next


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/portal.db")
    migrate(engine, "portal")
    yield engine
    engine.dispose()


def test_a_link_signs_in_once_and_only_its_hash_is_kept(engine):
    token = signin.create_link(engine, "huisarts-oost", "referrer", "anna")
    assert signin.link_identity(engine, token) == ("huisarts-oost", "referrer", "anna")
    cookie, session = signin.redeem_link(engine, token)
    assert (session.org, session.role, session.subject) == ("huisarts-oost", "referrer", "anna")
    assert signin.find_session(engine, cookie) == session
    assert signin.redeem_link(engine, token) is None  # used
    assert signin.link_identity(engine, token) is None
    with engine.connect() as db:
        kept = [*db.execute(select(sign_in_links)).first(), *db.execute(select(sessions)).first()]
    assert token not in kept and cookie not in kept


def test_a_link_expires_after_15_minutes(engine):
    now = utcnow()
    token = signin.create_link(engine, "huisarts-oost", "referrer", "anna", now=now)
    later = now + timedelta(minutes=15, seconds=1)
    assert signin.link_identity(engine, token, now=later) is None
    assert signin.redeem_link(engine, token, now=later) is None
    assert signin.redeem_link(engine, token, now=now + timedelta(minutes=14)) is not None


def test_a_session_ends_at_sign_out_and_after_a_working_day(engine):
    now = utcnow()
    cookie, _ = signin.redeem_link(engine, signin.create_link(engine, "o", "coordinator", "c"),
                                   now=now)
    assert signin.find_session(engine, cookie, now=now + timedelta(hours=7)) is not None
    assert signin.find_session(engine, cookie, now=now + timedelta(hours=8, seconds=1)) is None
    signin.end_session(engine, cookie)
    assert signin.find_session(engine, cookie) is None
    assert signin.find_session(engine, "made-up") is None


@pytest.mark.parametrize("org, role, subject", [("o", "wizard", "p"), ("", "referrer", "p"),
                                                ("o", "referrer", "a\nb")])
def test_a_link_for_an_identity_no_token_could_carry_is_refused(engine, org, role, subject):
    with pytest.raises(ValueError):
        signin.create_link(engine, org, role, subject)


@pytest.mark.parametrize("scheme, host, secure", [
    ("http", "127.0.0.1:8000", False), ("http", "localhost", False), ("http", "[::1]:8000", False),
    ("https", "127.0.0.1:8000", True), ("http", "kring.example.org", True),
    ("https", "kring.example.org", True), ("http", "127.0.0.2:8000", True)])
def test_the_cookie_is_secure_except_on_plain_http_to_this_machine(scheme, host, secure):
    assert signin.cookie_is_secure(scheme, host) is secure


def test_dutch_first_then_the_browsers_choice_then_the_switch():
    assert words.choose(None, LanguageAccept([])) == "nl"
    assert words.choose(None, LanguageAccept([("en-GB", 1), ("nl", 0.5)])) == "en"
    assert words.choose(None, LanguageAccept([("de", 1)])) == "nl"
    assert words.choose("nl", LanguageAccept([("en", 1)])) == "nl"
    assert words.words("en")("refer") == "Refer a family"
    assert words.message("not a phone number", "nl") == "Dit is geen telefoonnummer."
    assert words.message("not a phone number", "en") == "not a phone number"


@pytest.mark.parametrize("target, safe", [("/referrals?cursor=x", "/referrals?cursor=x"),
                                          ("//evil.example", "/"), ("https://evil", "/"),
                                          (None, "/"), ("/\\evil", "/")])
def test_the_language_switch_goes_back_only_to_a_page_of_ours(target, safe):
    assert safe_next(target) == safe
