"""Notify records a notice as sent the moment the SMTP server has taken it, before it says
goodbye: a crash there, or a goodbye that goes wrong, must not mail the notice twice."""
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import eventlet
import pytest
from sqlalchemy import text

from kring.config import DATABASES_KEY, SMTP_KEY, SWEEP_SECONDS_KEY
from kring.clock import utcnow
from kring.kit.db import make_engine
from services.notify import handlers
from services.notify.delivery import SmtpTransport
from tests.support.databases import unit_of_work
from tests.support.integration.notify import (case_started, decided, delivery_log, mails, marks,
                                              received, send_due, transport)
from tests.support.processes import SmtpServer
from tests.support.smtp_handlers import GOODBYE_ASKED, MESSAGE_HELD
from tests.support.waiting import eventually

RID = "9a8b7c6d-0000-4000-8000-00000000000a"


@pytest.fixture
def misbehaving_smtp(tmp_path, smtp_port):
    servers = []

    def start(handler):
        servers.append(SmtpServer(tmp_path / "maildir", smtp_port,
                                  handler=f"tests.support.smtp_handlers.{handler}").start())
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


class RowHolder:
    """Another connection to notify's PostgreSQL database that locks a referral's notices the
    moment the mail server has taken one, so that the record waits where the test can cut it."""

    def __init__(self, url, referral_id):
        self.engine = make_engine(url)
        self.connection = self.engine.connect()
        self.referral_id = referral_id

    def lock(self):
        self.connection.execute(text("SELECT 1 FROM notices WHERE referral_id = :id "
                                     "FOR UPDATE"), {"id": self.referral_id})

    def recorders(self):
        """The server processes of connections whose record of a delivery waits for the row."""
        with self.engine.connect() as db:
            return db.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
                "wait_event_type = 'Lock' AND query LIKE 'UPDATE notices SET%'")).scalars().all()

    def cut(self, pid):
        with self.engine.connect() as db:
            assert db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()

    def release(self):
        if self.connection.closed:
            return
        self.connection.rollback()
        self.connection.close()
        self.engine.dispose()


class LockedAtAcceptance:
    """The real transport, except that `holder` locks the notice's row just before the
    acceptance is recorded."""

    def __init__(self, inner, holder):
        self.inner, self.holder = inner, holder
        self.channel, self.sender = inner.channel, inner.sender

    def deliver(self, message, file_name, accepted):
        def lock_then_accept(location):
            self.holder.lock()
            accepted(location)
        self.inner.deliver(message, file_name, lock_then_accept)


@pytest.fixture
def on_postgres(notify_factory, sqlite_config, postgres_urls, smtp):
    """Notify on PostgreSQL, mailing to `smtp`, with the start of RID decided and a RowHolder.
    PostgreSQL only: a SQLite writer waiting for a lock holds the whole process still."""
    notify = notify_factory(dict(sqlite_config, **{
        DATABASES_KEY: postgres_urls, SWEEP_SECONDS_KEY: 3600,
        SMTP_KEY: {"host": "127.0.0.1", "port": smtp.port, "from": "kring@example.org"}}))
    decided(notify, received(RID), case_started(RID))
    holder = RowHolder(postgres_urls["notify"], RID)
    try:
        yield notify, holder
    finally:
        holder.release()


def sending_while_held(notify, holder):
    return eventlet.spawn(handlers.send_due, unit_of_work(notify),
                          LockedAtAcceptance(transport(notify), holder), marks(notify),
                          utcnow())


def test_a_delivery_whose_record_was_cut_off_is_recorded_from_its_mark_not_mailed_again(
        on_postgres, smtp):
    """The database connection goes while notify records that the server took the notice:
    what a crash of notify at that moment leaves behind, too. The mark outlives both."""
    notify, holder = on_postgres
    sending = sending_while_held(notify, holder)
    (recorder,) = eventually(holder.recorders, what="the record to wait for the row")
    holder.cut(recorder)
    assert sending.wait() == 1
    holder.release()
    assert delivery_log(notify, RID)["start"]["status"] == "pending"

    assert send_due(notify, utcnow()) == 0  # still claimed; the mark is left for now
    assert delivery_log(notify, RID)["start"]["status"] == "pending"
    later = utcnow() + timedelta(hours=1)  # the claim has lapsed: the notice would go again
    (mark,) = marks(notify).left(later)
    assert (mark.referral_id, mark.kind, mark.delivery["location"]) == (
        RID, "start", f"127.0.0.1:{smtp.port}")
    assert send_due(notify, later) == 0
    recorded = delivery_log(notify, RID)["start"]
    assert (recorded["status"], recorded["attempts"], recorded["location"]) == (
        "sent", 1, f"127.0.0.1:{smtp.port}")
    assert len(mails(smtp, RID)) == 1
    assert marks(notify).left(later) == []
