"""No consent, no notice (recorded why); no SMTP, an .eml file per notice in KRING_DATA_DIR,
sealed under the data keys; `kring notices --mail` opens them."""
import email
from pathlib import Path

from nameko.testing.services import entrypoint_hook

from services.notify.handlers import read_notice_file

from tests.support.integration.notify import (FAMILY_DATA, case_started, closed, deliver,
                                              delivery_log, mails, received)

RID = "7d1e2f3a-0000-4000-8000-000000000007"


def test_without_consent_nothing_is_sent_and_the_suppression_is_recorded(
        notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, case_started(RID))  # before the contact: the notice waits for the consent
    deliver(notify, received(RID, share=False))
    deliver(notify, closed(RID, "completed"))
    assert mails(smtp, RID) == []
    log = delivery_log(notify, RID)
    for kind in ("start", "closure"):
        assert log[kind]["status"] == "suppressed"
        assert "share_status_with_referrer" in log[kind]["reason"]
        assert log[kind]["channel"] is None and log[kind]["sent_at"] is None


def test_a_referral_declined_before_a_start_gets_only_the_closure(
        notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID))
    deliver(notify, closed(RID, "declined"))
    deliver(notify, case_started(RID))  # reported late: after the closure it would mislead
    assert [m["X-Kring-Notice"] for m in mails(smtp, RID)] == ["closure"]
    assert delivery_log(notify, RID)["start"]["status"] == "suppressed"


def test_a_closure_that_overtook_its_case_start_still_owes_the_start_first(
        notify_factory, smtp_config, smtp):
    """case_started and referral_closed travel on different queues: under load or after a
    restart the closure can come first. It says when the case started, so the referrer still
    gets the start notice, before the closure notice, and the late case_started adds nothing."""
    notify = notify_factory(smtp_config)
    start = case_started(RID)
    deliver(notify, received(RID))
    deliver(notify, closed(RID, "withdrawn", case_started_at=start.occurred_at))
    assert sorted(m["X-Kring-Notice"] for m in mails(smtp, RID)) == ["closure", "start"]
    log = delivery_log(notify, RID)
    assert log["start"]["sent_at"] < log["closure"]["sent_at"]
    assert log["start"]["status"] == log["closure"]["status"] == "sent"
    deliver(notify, start)  # late
    assert len(mails(smtp, RID)) == 2
    assert delivery_log(notify, RID)["start"]["attempts"] == 1


def test_without_smtp_each_notice_is_an_eml_file(notify_factory, kring_config):
    notify = notify_factory(kring_config)  # KRING_SMTP is None in kring_config
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    deliver(notify, closed(RID, "withdrawn"), closed(RID, "withdrawn"))
    folder = Path(kring_config["KRING_DATA_DIR"]) / "notices"
    assert sorted(p.name for p in folder.iterdir()) == [f"{RID}-closure.eml",
                                                        f"{RID}-start.eml"]
    for kind in ("start", "closure"):
        stored = (folder / f"{RID}-{kind}.eml").read_bytes()
        assert b"j.devries" not in stored and RID.encode() not in stored  # sealed
        mail = email.message_from_bytes(read_notice_file(folder / f"{RID}-{kind}.eml"))
        assert mail["X-Kring-Notice"] == kind and mail["From"] == "kring@localhost"
        assert mail["To"] == "j.devries@example.org" and RID in mail["Subject"]
        text = mail.get_payload(decode=True).decode("utf-8")
        assert all(secret not in text for secret in FAMILY_DATA)
    log = delivery_log(notify, RID)
    assert log["start"]["channel"] == "file"
    assert log["start"]["location"] == str(folder / f"{RID}-start.eml")
    assert "mail" not in log["start"]  # only when asked for
    with entrypoint_hook(notify, "notices") as notices:  # `kring notices RID --mail`
        opened = {notice["kind"]: notice["mail"] for notice in notices(RID, "op", True)}
    assert sorted(opened) == ["closure", "start"]
    assert "To: j.devries@example.org" in opened["start"] and RID in opened["closure"]
