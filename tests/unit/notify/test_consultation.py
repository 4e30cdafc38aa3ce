"""The notice of a consultation's answer (docs/contract.md §6): one a round, to the requester,
in its language, saying nothing of the question or the answer; and gone with the retention
period that runs from the first answer."""
from datetime import datetime, timedelta, timezone

import pytest

from kring.contracts.events import make_event
from services.notify import handlers
from services.notify.domain import PENDING
from services.notify.message import compose
from services.notify.models import Notices

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
CONSULTATION = "c0c0c0c0-0000-4000-8000-000000000001"
ADDRESS = "gp@example.org"


def answered(round_number, language="nl"):
    return make_event("referral", "consultation_answered", CONSULTATION,
                      round=round_number, programme="home-start",
                      organisation="huisarts-oost", coordinating_org="home-start-oost",
                      requester_email=ADDRESS, requester_language=language)


def react(uow, event, folder):
    uow.inbox_key = "on_referral"
    uow.event_referral = event.referral_id
    return handlers.react(uow, event, NOW, folder)


def notices(uow):
    with uow:
        repository = Notices(uow)
        return repository.contact(CONSULTATION), {
            kind: repository.notice(CONSULTATION, kind) for kind in ("answer-1", "answer-2")}


def test_each_round_gets_one_notice_to_the_requester(uow, tmp_path):
    event = answered(1)
    assert react(uow, event, tmp_path) is True
    assert react(uow, event, tmp_path) is False  # the same event again: nothing more
    assert react(uow, answered(2), tmp_path) is True
    contact, decided = notices(uow)
    assert (contact.email, contact.organisation) == (ADDRESS, "huisarts-oost")
    assert [decided[kind].status for kind in ("answer-1", "answer-2")] == [PENDING, PENDING]


@pytest.mark.parametrize("language, words", [("nl", "antwoord op uw consultatievraag"),
                                             ("en", "consultation request was answered")])
def test_the_mail_names_the_consultation_and_not_what_was_said(uow, tmp_path, language,
                                                                 words):
    react(uow, answered(1, language), tmp_path)
    contact, decided = notices(uow)
    message = compose(decided["answer-1"], contact, "kring@example.org", NOW)
    assert message["To"] == ADDRESS and words in message["Subject"]
    assert CONSULTATION in message["Subject"] and message["X-Kring-Notice"] == "answer-1"
    assert message["Message-ID"] == f"<{CONSULTATION}.answer-1@kring>"
    body = message.get_content()
    assert CONSULTATION in body and "home-start-oost" in body and "home-start" in body


def test_after_the_retention_period_the_address_and_the_files_go(uow, tmp_path):
    react(uow, answered(1), tmp_path)
    (tmp_path / f"{CONSULTATION}-answer-1.eml").write_text(f"To: {ADDRESS}\n\nanswered")
    (tmp_path / "another-answer-1.eml").write_text("someone else's")
    retention = {"days": 30}
    answered_at = datetime.now(timezone.utc)  # the event's occurred_at: the clock's
    assert handlers.erase_expired(uow, retention, answered_at, tmp_path) == []
    later = answered_at + timedelta(days=31)
    assert handlers.erase_expired(uow, retention, later, tmp_path) == [CONSULTATION]
    export = handlers.export_of(uow, CONSULTATION)
    assert ADDRESS not in str(export)
    assert [path.name for path in tmp_path.glob("*.eml")] == ["another-answer-1.eml"]
