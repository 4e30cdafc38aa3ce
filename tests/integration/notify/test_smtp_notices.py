"""docs/contract.md §6 over a real SMTP server: one start and one closure notice, in the right
language."""
from nameko.standalone.rpc import ServiceRpcProxy

from tests.support.integration.notify import (FAMILY_DATA, case_started, closed, deliver,
                                              delivery_log, mails, received, text_of)

RID = "5f0c1e2a-0000-4000-8000-000000000042"


def check_notice(mail, kind, language):
    assert mail["X-Kring-Notice"] == kind and mail["X-Kring-Referral"] == RID
    assert mail["To"] == "j.devries@example.org" and mail["From"] == "kring@example.org"
    assert RID in mail["Subject"] and "HA-2026-0042" in mail["Subject"]
    assert mail["Message-ID"] == f"<{RID}.{kind}@kring>"
    assert mail["Content-Language"] == language
    text = text_of(mail)
    assert RID in text and "HA-2026-0042" in text and "home-start" in text
    assert "Home-Start Oost" in text
    for secret in FAMILY_DATA:
        assert secret not in text and secret not in mail.as_string()
    return text


def test_a_started_case_and_a_closure_send_one_notice_each(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID))
    assert mails(smtp, RID) == []  # a referral alone is no news
    deliver(notify, case_started(RID))
    (start,) = mails(smtp, RID)
    assert "De ondersteuning voor uw aanmelding is gestart" in check_notice(start, "start", "nl")
    deliver(notify, closed(RID, "completed"))
    closure = [m for m in mails(smtp, RID) if m["X-Kring-Notice"] == "closure"]
    assert len(closure) == 1 and len(mails(smtp, RID)) == 2
    assert "afgerond" in check_notice(closure[0], "closure", "nl")
    with ServiceRpcProxy("notify", smtp_config) as notify_rpc:
        log = {notice["kind"]: notice for notice in notify_rpc.notices(RID)}
    assert {kind: (n["status"], n["channel"], n["recipient"], n["attempts"])
            for kind, n in log.items()} == {
        "start": ("sent", "smtp", "j.devries@example.org", 1),
        "closure": ("sent", "smtp", "j.devries@example.org", 1)}
    assert log["start"]["sent_at"] and log["start"]["created_at"]


def test_events_delivered_twice_still_make_one_notice_each(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    contact, start, closure = received(RID), case_started(RID), closed(RID, "withdrawn")
    deliver(notify, contact, contact)
    deliver(notify, start, start, case_started(RID))  # a redelivery, and a second such event
    deliver(notify, closure, closure)
    deliver(notify, closed(RID, "completed"))  # later, another closure: the first one stands
    kinds = sorted(m["X-Kring-Notice"] for m in mails(smtp, RID))
    assert kinds == ["closure", "start"]
    assert "ingetrokken" in text_of(next(m for m in mails(smtp, RID)
                                         if m["X-Kring-Notice"] == "closure"))
    assert {k: n["attempts"] for k, n in delivery_log(notify, RID).items()} == {
        "start": 1, "closure": 1}


def test_an_english_referrer_gets_the_english_notices(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID, language="en"))
    deliver(notify, closed(RID, "declined", coordinating_org=None))
    (closure,) = mails(smtp, RID)
    assert closure["Content-Language"] == "en"
    text = text_of(closure)
    assert "The referral has been closed" in text and "did not fit the programme" in text
    assert "Coordinating organisation:  home-start" in text  # no coordinator known: programme
    assert "referral closed" in closure["Subject"]


def test_a_case_started_before_the_contact_arrived_is_sent_once_it_does(
        notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, case_started(RID))
    assert mails(smtp, RID) == []
    waiting = delivery_log(notify, RID)["start"]
    assert waiting["status"] == "pending" and "referral_received" in waiting["reason"]
    deliver(notify, received(RID))
    (start,) = mails(smtp, RID)
    check_notice(start, "start", "nl")
    assert delivery_log(notify, RID)["start"]["status"] == "sent"
