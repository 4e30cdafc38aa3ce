"""The notify domain: which notice, which language, when to retry, and when to stay silent."""
from datetime import datetime, timedelta, timezone

import pytest

from services.notify.content import file_name, message_id
from services.notify.domain import (AFTER_CLOSURE, AWAITING_CONTACT, CLOSURE,
                                    CONSENT_WITHDRAWN, NO_CONSENT, PENDING, SENT, START,
                                    SUPPRESSED, Contact, Notice, choose_language, retry_delay)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def contact(share=True, language="nl"):
    return Contact("r-1", "HA-2026-0042", "home-start", "j.devries@example.org", language,
                   "Huisartsenpraktijk Oost", share)


@pytest.mark.parametrize("requested, chosen", [
    ("nl", "nl"), ("en", "en"), ("EN", "en"), ("en-GB", "en"), ("en_US", "en"),
    ("tr", "nl"), ("de", "nl"), ("", "nl"), (None, "nl"), ("english", "nl"), (" en ", "en")])
def test_english_when_asked_dutch_otherwise(requested, chosen):
    assert choose_language(requested) == chosen


def test_the_back_off_starts_at_five_seconds_doubles_and_stops_at_fifteen_minutes():
    seconds = [retry_delay(n).total_seconds() for n in range(1, 12)]
    assert seconds[:6] == [5, 10, 20, 40, 80, 160]
    assert seconds[-1] == 900 and max(seconds) == 900
    assert retry_delay(10_000) == timedelta(minutes=15)


def test_a_failed_attempt_is_kept_with_its_error_and_a_later_time():
    notice = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact(), False)
    notice.failed("ConnectionRefusedError: [Errno 111]", NOW)
    notice.failed("ConnectionRefusedError: [Errno 111]", NOW)
    assert notice.status == PENDING and notice.attempts == 2
    assert notice.next_attempt_at == NOW + timedelta(seconds=10)
    assert notice.last_error.startswith("ConnectionRefusedError")
    notice.delivered("smtp", "j.devries@example.org", "127.0.0.1:25", NOW)
    assert (notice.status, notice.attempts, notice.sent_at) == (SENT, 3, NOW)


def test_a_notice_with_consent_is_due_at_once():
    notice = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact(), False)
    assert (notice.status, notice.reason, notice.next_attempt_at) == (PENDING, None, NOW)


def test_without_consent_the_notice_is_recorded_as_suppressed():
    notice = Notice.decide("r-1", CLOSURE, "2026-11-22T09:00:00Z", NOW, contact(share=False),
                           outcome="completed")
    assert (notice.status, notice.reason) == (SUPPRESSED, NO_CONSENT)
    assert notice.next_attempt_at is None


def test_a_notice_waits_for_the_contact_and_then_follows_its_consent():
    waiting = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, None)
    assert (waiting.status, waiting.reason) == (PENDING, AWAITING_CONTACT)
    assert waiting.ready_to_send(contact()) and waiting.reason is None
    refused = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, None)
    assert not refused.ready_to_send(contact(share=False))
    assert refused.status == SUPPRESSED


def test_a_start_reported_after_the_closure_is_not_sent():
    notice = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact(), closed=True)
    assert (notice.status, notice.reason) == (SUPPRESSED, AFTER_CLOSURE)


def test_a_sent_notice_is_never_ready_again():
    notice = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact())
    notice.delivered("file", "j.devries@example.org", "/var/notices/r-1-start.eml", NOW)
    assert not notice.ready_to_send(contact())


def test_the_contact_keeps_nothing_of_the_family():
    data = {"external_ref": "HA-1", "programme": "home-start", "referrer_email": "a@b.nl",
            "referrer_language": "fr", "referrer_organisation": "GP", "partner": None,
            "share_status_with_referrer": True, "municipality": "Utrecht",
            "languages": ["tr"], "domains": ["parenting"], "family_key": "k"}
    kept = Contact.from_event("r-9", data)
    assert kept.language == "nl"
    assert not {"Utrecht", "tr", "parenting", "k"} & {str(v) for v in vars(kept).values()}


def test_ids_for_files_and_message_ids_are_stable_and_cannot_escape():
    assert message_id("r-1", START) == "<r-1.start@kring>" == message_id("r-1", START)
    assert file_name("r-1", CLOSURE) == "r-1-closure.eml"
    assert "/" not in file_name("../../etc/passwd", START)
    assert set(message_id("a>b\r\nBcc: x", START)[1:-1]).isdisjoint("<>\r\n ")


def withdrawn_contact():
    return Contact("r-1", "HA-2026-0042", "home-start", "j.devries@example.org", "nl",
                   "Huisartsenpraktijk Oost", True, consent_withdrawn_at="2026-11-22T09:30:00Z")


def test_after_a_withdrawal_of_consent_no_notice_is_ready():
    notice = Notice.decide("r-1", CLOSURE, "2026-11-22T10:00:00Z", NOW, withdrawn_contact(),
                           outcome="completed")
    assert (notice.status, notice.reason) == (SUPPRESSED, CONSENT_WITHDRAWN)
    waiting = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, None)
    assert not waiting.ready_to_send(withdrawn_contact())
    assert (waiting.status, waiting.reason) == (SUPPRESSED, CONSENT_WITHDRAWN)


def test_a_withdrawal_stops_a_pending_notice_but_changes_no_settled_one():
    due = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact())
    due.failed("SMTPServerDisconnected: gone", NOW)
    due.consent_withdrawn()
    assert (due.status, due.reason, due.next_attempt_at) == (SUPPRESSED, CONSENT_WITHDRAWN,
                                                              None)
    sent = Notice.decide("r-1", START, "2026-11-22T09:00:00Z", NOW, contact())
    sent.delivered("file", "j.devries@example.org", "/var/notices/r-1-start.eml", NOW)
    sent.consent_withdrawn()
    assert (sent.status, sent.reason) == (SENT, None)
