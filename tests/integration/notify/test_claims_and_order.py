"""What keeps a notice single and in order when senders are slow or fail: a claim lasts its
full time however long the sweep has run, a slower sender never undoes a sent notice, and a
start whose attempt failed holds its referral's closure back. Time is a clock the test moves."""
from datetime import timedelta

from sqlalchemy import text

from kring.config import DATABASES_KEY, SWEEP_SECONDS_KEY
from kring.clock import utcnow
from services.notify import handlers
from services.notify.delivery import FileTransport
from services.notify.domain import CLAIM_SECONDS
from services.notify.models import Notices
from tests.support.databases import unit_of_work
from tests.support.integration.notify import (case_started, closed, decided, delivery_log, marks,
                                              received, send_due)

RID = "5c4d3e2f-0000-4000-8000-00000000000b"
OTHER = "5c4d3e2f-0000-4000-8000-00000000000c"


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


class Files(FileTransport):
    """The real .eml channel, with a hook that runs while each notice is being delivered."""

    def __init__(self, folder, during=lambda referral_id, kind: None):
        super().__init__(folder)
        self.during, self.delivered = during, []

    def deliver(self, message, file_name, accepted):
        referral_id, kind = message["X-Kring-Referral"], message["X-Kring-Notice"]
        self.during(referral_id, kind)
        super().deliver(message, file_name, accepted)
        self.delivered.append((referral_id, kind))


def test_a_claim_taken_late_in_a_slow_sweep_lasts_its_full_time(notify_factory, files_config,
                                                                 tmp_path):
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID), received(OTHER), case_started(OTHER))
    clock, rival_took = Clock(), []

    def slow_and_contested(referral_id, kind):
        clock.now += timedelta(seconds=CLAIM_SECONDS * 2 / 3)  # each delivery takes 40 s
        rival = unit_of_work(notify)  # another replica's sweep, at the real moment
        with rival:
            notices = Notices(rival)
            notice_id = notices.notice(referral_id, kind).notice_id
            rival_took.append(notices.claim(notice_id, clock.now, clock.now))

    transport = Files(tmp_path / "notices", slow_and_contested)
    assert handlers.send_due(unit_of_work(notify), transport, marks(notify), clock.now,
                             clock=clock) == 2
    assert rival_took == [False, False]  # the second claim was not over before it began


def test_a_slower_sender_cannot_undo_a_sent_notice(notify_factory, files_config):
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID))
    uow = unit_of_work(notify)
    with uow:  # what a sender that claimed it long ago still holds
        stale = Notices(uow).notice(RID, "start")
    assert send_due(notify, utcnow()) == 1  # meanwhile another sender delivered it
    stale.failed("TimeoutError: the slow sender gave up", utcnow())
    with uow:
        Notices(uow).save(stale)
    shown = delivery_log(notify, RID)["start"]
    assert (shown["status"], shown["attempts"], shown["last_error"]) == ("sent", 1, None)
    assert send_due(notify, utcnow() + timedelta(hours=1)) == 0


def test_a_start_that_failed_holds_its_closure_back(notify_factory, files_config, tmp_path):
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID), closed(RID, "withdrawn"))
    failures = []

    def the_first_start_fails(referral_id, kind):
        if kind == "start" and not failures:
            failures.append(kind)
            raise ConnectionResetError("the mail server hung up")

    transport = Files(tmp_path / "notices", the_first_start_fails)
    uow, left, now = unit_of_work(notify), marks(notify), utcnow()
    assert handlers.send_due(uow, transport, left, now) == 1  # the start, which failed
    assert transport.delivered == []
    shown = delivery_log(notify, RID)
    assert (shown["start"]["attempts"], shown["closure"]["attempts"]) == (1, 0)
    assert handlers.send_due(uow, transport, left, now + timedelta(seconds=6)) == 2  # back-off
    assert transport.delivered == [(RID, "start"), (RID, "closure")]


def test_a_notice_another_sender_is_claiming_is_passed_over_not_waited_for(
        notify_factory, sqlite_config, postgres_urls):
    """Waiting for a rival's claim would keep the row locked afterwards (PostgreSQL checks a
    row again under a lock), and the record of its delivery would wait behind that lock.
    PostgreSQL only: SQLite lets one writer at a time in, so there is no rival in between."""
    notify = notify_factory(dict(sqlite_config, **{DATABASES_KEY: postgres_urls,
                                                   SWEEP_SECONDS_KEY: 3600}))
    decided(notify, received(RID), case_started(RID), received(OTHER), case_started(OTHER))
    now = utcnow()
    until = now + timedelta(seconds=CLAIM_SECONDS)
    rival, us = unit_of_work(notify), unit_of_work(notify)
    with rival:
        first = Notices(rival).claim_next(now, until)  # not committed yet
        with us:
            # a wait would end the test with an error here, instead of hanging it
            us.session.execute(text("SET LOCAL lock_timeout = '5s'"))
            second = Notices(us).claim_next(now, until)
    with rival:
        starts = {Notices(rival).notice(referral, "start").notice_id
                  for referral in (RID, OTHER)}
    assert {first, second} == starts
