"""Notify records a notice as sent the moment the SMTP server has taken it, before it says
goodbye: a crash there, or a goodbye that goes wrong, must not mail the notice twice."""
from datetime import datetime, timedelta
from pathlib import Path

import eventlet
import pytest

from kring.kit.clock import utcnow
from services.notify import handlers
from tests.e2e.conftest import eventually
from tests.integration.notify.conftest import (case_started, delivery_log, mails, received,
                                               send_due, unit_of_work)
from tests.processes import SmtpServer
from tests.smtp_goodbyes import GOODBYE_ASKED

RID = "9a8b7c6d-0000-4000-8000-00000000000a"


@pytest.fixture
def misbehaving_smtp(tmp_path, smtp_port):
    servers = []

    def start(handler):
        servers.append(SmtpServer(tmp_path / "maildir", smtp_port,
                                  handler=f"tests.smtp_goodbyes.{handler}").start())
        return servers[-1]
    yield start
    for server in servers:
        server.kill()


def a_start_notice_due(notify):
    uow = unit_of_work(notify)
    handlers.record_contact(uow, received(RID), "on_referral", utcnow())
    handlers.apply_case_started(uow, case_started(RID), "on_casework", utcnow())


def test_the_notice_is_recorded_sent_while_the_goodbye_is_still_unanswered(
        notify_factory, smtp_config, misbehaving_smtp, tmp_path):
    server = misbehaving_smtp("SlowGoodbye")
    notify = notify_factory(smtp_config)
    a_start_notice_due(notify)
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
    a_start_notice_due(notify)
    now = utcnow()
    assert send_due(notify, now) == 1
    assert send_due(notify, now + timedelta(hours=1)) == 0  # nothing left to retry
    (mail,) = mails(server, RID)
    assert mail["X-Kring-Notice"] == "start"
    sent = delivery_log(notify, RID)["start"]
    assert (sent["status"], sent["attempts"], sent["last_error"]) == ("sent", 1, None)
    assert datetime.fromisoformat(sent["sent_at"]) >= now  # when it was taken
