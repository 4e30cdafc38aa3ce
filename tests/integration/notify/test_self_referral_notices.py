"""The confirmation e-mail of a family's own application (docs/contract.md §4
"Self-referral", docs/contract.md §6) over a real SMTP server: once, with the link on KRING_PUBLIC_URL and the token, in the
applicant's language; kept and retried while the mail server is away, as every notice is; the
token gone from notify's database once the mail is out. And the start and closure notices of
the referral it became go to the applicant."""
from datetime import timedelta

from sqlalchemy import text

from kring.clock import iso, utcnow
from kring.config import PUBLIC_URL_KEY
from kring.contracts.events import make_event
from services.notify.handlers import export_of
from services.notify.models import Notices
from tests.support.databases import unit_of_work
from tests.support.integration.notify import (case_started, closed, deliver, delivery_log,
                                              mails, send_due, text_of)
from tests.support.processes import SmtpServer

APPLICATION = "a0a0a0a0-0000-4000-8000-000000000042"
RID = "5e1f5e1f-0000-4000-8000-000000000042"
TOKEN = "Zm9yIHRoZSB0ZXN0cyBvbmx5LCBub3QgYSByZWFsIHRva2Vu"
PUBLIC = "https://kring.example.org"


def submitted(language="nl", expires_at=None):
    return make_event("referral", "self_referral_submitted", APPLICATION,
                      programme="home-start", applicant_email="ouder@example.org",
                      applicant_language=language, token=TOKEN,
                      expires_at=expires_at or iso(utcnow() + timedelta(days=1)))


def received_of_a_family(language="en"):
    return make_event("referral", "referral_received", RID, programme="home-start",
                      organisation="", external_ref=APPLICATION, municipality="Utrecht",
                      languages=["nl"], domains=["parenting"], urgency="normal",
                      referrer_email="ouder@example.org", referrer_language=language,
                      referrer_organisation="", share_status_with_referrer=True,
                      family_key="fk", coordinating_org="home-start-oost",
                      municipality_code="GM0344", self_referred=True)


def token_gone(notify):
    """Nothing of the token is left in notify's database, sealed or not."""
    with unit_of_work(notify) as uow:
        raw = uow.session.execute(text("SELECT payload FROM notices WHERE referral_id = :id"),
                                  {"id": APPLICATION}).scalar()
        kept = Notices(uow).notice(APPLICATION, "confirmation").payload
    return raw in (None, "null") and kept is None


def test_the_confirmation_goes_once_with_the_link_and_the_token(
        notify_factory, smtp_config, smtp):
    notify = notify_factory(dict(smtp_config, **{PUBLIC_URL_KEY: PUBLIC}))
    event = submitted()
    deliver(notify, event, event)  # a redelivery: still one
    (mail,) = mails(smtp, APPLICATION)
    assert mail["To"] == "ouder@example.org" and mail["X-Kring-Notice"] == "confirmation"
    assert "bevestig uw aanmelding" in mail["Subject"] and mail["Content-Language"] == "nl"
    body = text_of(mail)
    assert f"{PUBLIC}/api/v1/self-referrals/confirmation?token={TOKEN}" in body
    assert f"{PUBLIC}/api/v1/programmes/home-start/leaflet?language=nl" in body
    assert TOKEN not in mail["Subject"]
    log = delivery_log(notify, APPLICATION)
    assert (log["confirmation"]["status"], log["confirmation"]["attempts"]) == ("sent", 1)
    assert token_gone(notify)
    assert log["confirmation"]["recipient"] is None  # nor does notify keep the address
    assert "ouder@example.org" not in str(export_of(unit_of_work(notify), APPLICATION))


def test_while_the_mail_server_is_away_it_is_kept_sealed_and_retried(
        notify_factory, smtp_config, smtp_port, tmp_path):
    notify = notify_factory(smtp_config)  # nothing listens on smtp_port yet
    deliver(notify, submitted("en"))
    failed = delivery_log(notify, APPLICATION)["confirmation"]
    assert failed["status"] == "pending" and failed["attempts"] == 1
    with unit_of_work(notify) as uow:  # the token waits sealed, never in the clear
        raw = uow.session.execute(text("SELECT payload FROM notices")).scalar()
    assert raw is not None and TOKEN not in str(raw)
    server = SmtpServer(tmp_path / "maildir", smtp_port).start()
    try:
        assert send_due(notify, utcnow() + timedelta(seconds=6)) == 1
        (mail,) = mails(server, APPLICATION)
        assert "please confirm your application" in mail["Subject"]
        assert f"/api/v1/self-referrals/confirmation?token={TOKEN}" in text_of(mail)
        assert "http://localhost:8000/" in text_of(mail)  # KRING_PUBLIC_URL's default
    finally:
        server.kill()
    assert token_gone(notify)


def test_a_confirmation_the_server_never_took_before_the_expiry_is_dropped_with_the_address(
        notify_factory, smtp_config):
    notify = notify_factory(smtp_config)  # nothing listens on the SMTP port
    deliver(notify, submitted(expires_at=iso(utcnow() + timedelta(seconds=30))))
    assert delivery_log(notify, APPLICATION)["confirmation"]["status"] == "pending"
    assert send_due(notify, utcnow() + timedelta(seconds=60)) == 1  # its retry, past expiry
    log = delivery_log(notify, APPLICATION)["confirmation"]
    assert (log["status"], log["reason"]) == (
        "suppressed", "not sent: the application expired before its confirmation could go")
    assert token_gone(notify)
    assert "ouder@example.org" not in str(export_of(unit_of_work(notify), APPLICATION))


def test_the_referral_it_became_tells_the_applicant_of_start_and_closure(
        notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received_of_a_family())
    deliver(notify, case_started(RID))
    deliver(notify, closed(RID))
    start, closure = sorted(mails(smtp, RID), key=lambda m: m["X-Kring-Notice"] != "start")
    assert (start["To"], closure["To"]) == ("ouder@example.org", "ouder@example.org")
    assert "your support has started" in start["Subject"]
    assert "your application has been closed" in closure["Subject"]
    assert "referrer" not in text_of(start).lower()
