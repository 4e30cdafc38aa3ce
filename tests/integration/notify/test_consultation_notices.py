"""docs/contract.md §6 over a real SMTP server: the requester of a consultation hears of each
answer once, in its language, and nothing of what was asked or answered."""
from kring.contracts.events import make_event
from tests.support.integration.notify import deliver, delivery_log, mails, text_of

CID = "c0c0c0c0-0000-4000-8000-000000000042"


def answered(round_number, language="nl"):
    return make_event("referral", "consultation_answered", CID, round=round_number,
                      programme="home-start", organisation="huisarts-oost",
                      coordinating_org="home-start-oost", requester_email="gp@example.org",
                      requester_language=language)


def test_each_answer_sends_one_notice(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    first = answered(1)
    deliver(notify, first, first)  # a redelivery: still one notice
    deliver(notify, answered(2))
    sent = sorted(mails(smtp, CID), key=lambda mail: mail["X-Kring-Notice"])
    assert [mail["X-Kring-Notice"] for mail in sent] == ["answer-1", "answer-2"]
    for mail in sent:
        assert mail["To"] == "gp@example.org" and mail["Content-Language"] == "nl"
        assert "antwoord op uw consultatievraag" in mail["Subject"] and CID in mail["Subject"]
        text = text_of(mail)
        assert "Er is een antwoord op uw consultatievraag" in text
        assert "home-start-oost" in text and CID in text
    assert {kind: (notice["status"], notice["attempts"])
            for kind, notice in delivery_log(notify, CID).items()} == {
        "answer-1": ("sent", 1), "answer-2": ("sent", 1)}


def test_an_english_requester_gets_it_in_english(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, answered(1, "en"))
    (mail,) = mails(smtp, CID)
    assert mail["Content-Language"] == "en" and "was answered" in mail["Subject"]
    assert "Your consultation request has been answered" in text_of(mail)
