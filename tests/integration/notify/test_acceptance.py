"""Notify records a notice as sent the moment the SMTP server has taken it, before it says
goodbye: a crash there, or a goodbye that goes wrong, must not mail the notice twice."""
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import eventlet
import pytest

from kring.kit.clock import utcnow
from services.notify.delivery import SmtpTransport
from tests.e2e.conftest import eventually
from tests.integration.notify.conftest import (case_started, decided, delivery_log, mails,
                                               received, send_due)
from tests.processes import SmtpServer
from tests.smtp_handlers import GOODBYE_ASKED, MESSAGE_HELD

RID = "9a8b7c6d-0000-4000-8000-00000000000a"


@pytest.fixture
def misbehaving_smtp(tmp_path, smtp_port):
    servers = []

    def start(handler):
        servers.append(SmtpServer(tmp_path / "maildir", smtp_port,
                                  handler=f"tests.smtp_handlers.{handler}").start())
        return servers[-1]
    yield start
    for server in servers:
        server.kill()


def test_the_notice_is_recorded_sent_while_the_goodbye_is_still_unanswered(
        notify_factory, smtp_config, misbehaving_smtp, tmp_path):
    server = misbehaving_smtp("SlowGoodbye")
    notify = notify_factory(smtp_config)
    decided(notify, received(RID), case_started(RID))
    sending = eventlet.spawn(send_due, notify, utcnow())
    eventually(lambda: Path(f"{server.folder}{GOODBYE_ASKED}").exists(),
               what="the client to say QUIT")
    recorded = delivery_log(notify, RID)["start"]
    assert (recorded["status"], recorded["attempts"]) == ("sent", 1)
    server.kill()  # the goodbye is never answered
    assert sending.wait() == 1
    assert send_due(notify, utcnow() + timedelta(hours=1)) == 0
    assert len(mails(server, RID)) == 1
    after = delivery_log(notify, RID)["start"]
    assert (after["status"], after["attempts"], after["last_error"]) == ("sent", 1, None)


def test_a_goodbye_refused_after_the_mail_was_taken_changes_nothing(
        notify_factory, smtp_config, misbehaving_smtp):
    server = misbehaving_smtp("RefusedGoodbye")
    notify = notify_factory(smtp_config)
    decided(notify, received(RID), case_started(RID))
    now = utcnow()
    assert send_due(notify, now) == 1
    assert send_due(notify, now + timedelta(hours=1)) == 0  # nothing left to retry
    (mail,) = mails(server, RID)
    assert mail["X-Kring-Notice"] == "start"
    sent = delivery_log(notify, RID)["start"]
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 1, None)
    assert datetime.fromisoformat(sent["sent_at"]) >= now  # when it was taken


def test_nothing_else_in_the_process_runs_between_the_servers_verdict_and_its_reading(
        misbehaving_smtp):
    """Under eventlet a waiting read lets every other ready green thread run first; a crash in
    that time, after the server took the mail, would mail the notice twice."""
    server = misbehaving_smtp("SlowVerdict")
    held = Path(f"{server.folder}{MESSAGE_HELD}")
    accepted, meanwhile, done = [], [], []

    def other_work():  # an HTTP request, an event handler: anything else of the process
        while not accepted and not done:
            if held.exists():
                meanwhile.append("ran while the verdict was due")
            eventlet.sleep(0)  # a turn for the others, not a wait

    other = eventlet.spawn(other_work)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "k@example.org", "r@example.org", "notice"
    mail.set_content("text")
    try:
        SmtpTransport("127.0.0.1", server.port, "k@example.org").deliver(mail, "-",
                                                                          accepted.append)
    finally:  # a delivery that raised must not leave it spinning through the other tests
        done.append(True)
        other.wait()
    assert accepted == [f"127.0.0.1:{server.port}"] and held.exists()
    assert meanwhile == []
