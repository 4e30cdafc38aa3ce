"""The confirmation e-mail of a family's own application, and the start and closure notices to
a family that applied itself (docs/contract.md §6): once, in the applicant's language, with the
link and the token, which are sealed with the notice only until it is sent."""
from datetime import datetime, timezone

import pytest

from kring.contracts.events import make_event
from services.notify import handlers
from services.notify.domain import CONFIRMATION, PENDING, SENT, START, Contact, Notice
from services.notify.message import compose
from services.notify.models import Notices

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
APPLICATION = "a0a0a0a0-0000-4000-8000-000000000001"
ADDRESS = "ouder@example.org"
TOKEN = "tok-" + "x" * 40
PUBLIC = "https://kring.example.org"


def submitted(language="nl", programme="home-start"):
    return make_event("referral", "self_referral_submitted", APPLICATION,
                      programme=programme, applicant_email=ADDRESS,
                      applicant_language=language, token=TOKEN,
                      expires_at="2026-11-23T10:00:00+00:00")


def react(uow, event):
    uow.inbox_key = "on_referral"
    uow.event_referral = event.referral_id
    return handlers.react(uow, event, NOW, None, PUBLIC)


def decided(uow):
    with uow:
        notices = Notices(uow)
        return notices.contact(APPLICATION), notices.notice(APPLICATION, CONFIRMATION)


def test_one_confirmation_to_the_applicant_with_the_token_sealed_until_sent(uow):
    event = submitted()
    assert react(uow, event) is True
    assert react(uow, event) is False  # a redelivery: still one
    contact, notice = decided(uow)
    assert (contact.email, contact.self_referred, notice.status) == (ADDRESS, True, PENDING)
    assert notice.payload["token"] == TOKEN
    assert notice.payload["link"] == \
        f"{PUBLIC}/api/v1/self-referrals/confirmation?token={TOKEN}"
    assert notice.payload["leaflet"] == \
        f"{PUBLIC}/api/v1/programmes/home-start/leaflet?language=nl"
    notice.delivered("smtp", ADDRESS, "127.0.0.1:25", NOW)
    assert notice.payload is None and notice.recipient is None


@pytest.mark.parametrize("language, words", [("nl", "bevestig uw aanmelding"),
                                             ("en", "please confirm your application")])
def test_the_mail_carries_the_link_the_token_and_the_leaflet_in_the_language(
        uow, language, words):
    react(uow, submitted(language))
    contact, notice = decided(uow)
    message = compose(notice, contact, "kring@example.org", NOW)
    assert message["To"] == ADDRESS and words in message["Subject"]
    assert message["X-Kring-Notice"] == "confirmation"
    assert message["Content-Language"] == language
    body = message.get_content()
    assert notice.payload["link"] in body and TOKEN in body
    assert f"leaflet?language={language}" in body
    assert "23 november 2026" in body.lower()


def test_a_programme_without_a_leaflet_gets_the_mail_without_one(uow):
    react(uow, submitted(programme="family-help"))
    contact, notice = decided(uow)
    assert notice.payload["leaflet"] is None
    assert "leaflet" not in compose(notice, contact, "k@example.org", NOW).get_content()


@pytest.mark.parametrize("language, words", [("nl", "uw ondersteuning is gestart"),
                                             ("en", "your support has started")])
def test_a_family_that_applied_itself_is_told_in_its_own_words(language, words):
    contact = Contact("r-1", "a-1", "home-start", ADDRESS, language, "", True,
                      self_referred=True)
    notice = Notice.decide("r-1", START, "2026-11-22T10:00:00.000000Z", NOW, contact,
                           coordinating_org="home-start-oost")
    message = compose(notice, contact, "kring@example.org", NOW)
    assert words in message["Subject"] and message["X-Kring-Notice"] == "start"
    assert "verwijzer" not in message.get_content() and \
        "referrer" not in message.get_content()


def test_a_confirmation_that_could_not_go_before_the_application_expired_never_goes():
    notice = Notice("a-1", CONFIRMATION, "2026-11-22T10:00:00.000000Z",
                    payload={"token": TOKEN, "expires_at": "2026-11-23T10:00:00.000000Z"})
    assert notice.expire_if_late(datetime(2026, 11, 23, 9, 59, tzinfo=timezone.utc)) is False
    assert notice.status == PENDING
    assert notice.expire_if_late(datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)) is True
    assert (notice.status, notice.payload) == ("suppressed", None)
    start = Notice("r-1", START, "2026-11-22T10:00:00.000000Z")
    assert start.expire_if_late(datetime(2030, 1, 1, tzinfo=timezone.utc)) is False


def test_erasing_takes_the_token_too():
    notice = Notice("a-1", CONFIRMATION, "2026-11-22T10:00:00.000000Z",
                    payload={"token": TOKEN})
    notice.erase()
    assert notice.payload is None and notice.status != SENT
