"""`kring dlq list`: each parked message's age and when the broker drops it, said long before."""
from datetime import datetime, timedelta, timezone

from kring.cli import _expiry
from kring.dlq import Parked

NOW = datetime(2027, 6, 1, 12, tzinfo=timezone.utc)


def parked(days_ago):
    at = None if days_ago is None else NOW - timedelta(days=days_ago)
    return Parked(1, "kring.referral.on_matching.matching", "RuntimeError", 6, "m-1", "{}", at)


def test_a_parked_message_says_its_age_and_when_it_goes():
    assert parked(3).expires_in(NOW, 730) == timedelta(days=727)
    assert _expiry(parked(3), NOW, 730) == \
        "parked 3 day(s) ago; the broker drops it in 727 day(s)"


def test_a_message_near_its_end_is_said_to_expire_soon():
    assert _expiry(parked(710), NOW, 730).endswith(
        "in 20 day(s) — EXPIRES SOON: replay or note what you need now")


def test_a_message_parked_before_its_moment_was_noted():
    assert parked(None).expires_in(NOW, 730) is None
    assert "at the latest 730 days after" in _expiry(parked(None), NOW, 730)


def test_show_names_a_parked_message_by_its_note_and_never_prints_a_body_it_does_not_hold():
    from kring.cli import _describe_parked
    note = Parked(2, "kring.notify.on_referral.referral", "OperationalError: database is locked",
                  6, "e-1", '{"parked_id": "p-1", "type": "referral_received"}', NOW, "p-1",
                  "referral_received")
    assert _describe_parked(note) == (
        "#2  from kring.notify.on_referral.referral, 6 attempts, message e-1, "
        "type referral_received, parked p-1\n    error: OperationalError: database is locked")
    assert _describe_parked(parked(3)) == (  # from before bodies were kept in the databases
        "#1  from kring.referral.on_matching.matching, 6 attempts, message m-1\n"
        "    error: RuntimeError")
