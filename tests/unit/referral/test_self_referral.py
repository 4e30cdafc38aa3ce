"""A family's own application (services/referral/self_referral.py) and the limits of a public
operation (services/referral/rate_limit.py): pure, no IO."""
from datetime import datetime, timedelta, timezone

import pytest

from kring.errors import NotFound
from services.referral.domain import Referral
from services.referral.events import ApplicationSubmitted, Received
from services.referral.outgoing import outgoing
from services.referral.rate_limit import Limit
from services.referral.self_referral import Application, new_token, token_hash
from tests.support.sample import self_referral_body

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=timezone.utc)
DAY = 24 * 3600


def application(token="t0ken"):
    body = self_referral_body()
    body["consent"]["share_status_with_partner"] = True
    return Application.submit("a-1", body, token, NOW, DAY)


def test_tokens_are_long_random_and_kept_only_as_a_hash():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    made = application(first)
    assert made.token_hash == token_hash(first) != first
    assert first not in repr(made.content) and first not in made.token_hash
    assert made.events == [ApplicationSubmitted(first)]


def test_an_application_expires_after_a_day_unless_confirmed():
    made = application()
    assert made.expires_at == NOW + timedelta(days=1)
    made.check_confirmable(NOW + timedelta(hours=23))
    with pytest.raises(NotFound):
        made.check_confirmable(NOW + timedelta(days=1))
    made.confirm("r-1", NOW)
    made.check_confirmable(NOW + timedelta(days=2))  # confirmed: its answer stands
    assert (made.referral_id, made.content) == ("r-1", None)  # what it held lives on there


def test_confirming_again_keeps_the_first_referral():
    made = application()
    made.confirm("r-1", NOW)
    made.confirm("r-2", NOW + timedelta(minutes=1))
    assert (made.referral_id, made.confirmed_at) == ("r-1", NOW)


def test_the_referral_it_becomes_has_the_applicant_and_no_referrer():
    body = application().as_referral()
    assert body["external_ref"] == "a-1" and "referrer" not in body
    referral = Referral.receive("r-1", "", body, "2026-11-22T10:30:00.000000Z", "fk",
                                recorded_by={"organisation": "public", "person": "applicant",
                                             "role": "public"})
    assert referral.self_referred is True
    assert "referrer" not in referral.details
    assert referral.notice_contact == {"email": "ouder@example.org", "language": "nl",
                                       "organisation": ""}
    [event] = outgoing(referral, Received("fk"))
    assert event.data["self_referred"] is True
    assert (event.data["referrer_email"], event.data["referrer_organisation"]) == (
        "ouder@example.org", "")


def test_its_event_carries_the_token_for_the_applicant_alone():
    made = application("t0ken")
    [event] = outgoing(made, made.events[0])
    assert (event.type, event.referral_id) == ("self_referral_submitted", "a-1")
    assert event.data == {"programme": "home-start", "applicant_email": "ouder@example.org",
                          "applicant_language": "nl", "token": "t0ken",
                          "expires_at": "2026-11-23T10:30:00+00:00"}


def test_a_referral_erased_keeps_that_it_was_self_referred_and_nothing_of_the_applicant():
    referral = Referral.receive("r-1", "", application().as_referral(),
                                "2026-11-22T10:30:00.000000Z", "fk")
    referral.erase("admin", "home-start-oost", "2026-11-23T10:30:00.000000Z")
    assert referral.self_referred is True and "applicant" not in referral.details


HOURLY = Limit("address", 5, 3600)


def test_a_window_is_a_clock_hour():
    assert HOURLY.window(NOW) == (NOW.replace(minute=0), NOW.replace(minute=0) +
                                  timedelta(hours=1))


def test_the_limit_lets_count_through_then_says_how_long_to_wait():
    assert [HOURLY.retry_after(used, NOW) for used in range(5)] == [None] * 5
    assert HOURLY.retry_after(5, NOW) == 30 * 60
    assert HOURLY.retry_after(9, NOW.replace(minute=59, second=59, microsecond=500000)) == 1


def test_a_day_window_is_a_utc_day_and_an_address_is_counted_whatever_its_case():
    daily = Limit("email", 3, 86400)
    start, end = daily.window(NOW)
    assert (start, end) == (datetime(2026, 11, 22, tzinfo=timezone.utc),
                            datetime(2026, 11, 23, tzinfo=timezone.utc))
    assert daily.key(" Ouder@Example.org") == daily.key("ouder@example.org")
    assert daily.key("a@example.org") != HOURLY.key("a@example.org")
