"""A mail server that is away: the notice is kept, retried after its back-off, sent once; the
timer sends what a crash left behind; two senders at once still send once. Time is driven by
passing `now`, never by sleeping."""
from datetime import timedelta

import eventlet
from nameko.testing.services import entrypoint_waiter

from kring.clock import utcnow
from services.notify import handlers
from services.notify.domain import CLAIM_SECONDS
from services.notify.models import Notices
from services.notify.service import SWEEP_SECONDS_KEY
from tests.support.databases import unit_of_work
from tests.support.integration.notify import (case_started, decided, deliver, delivery_log, mails,
                                              marks, received, send_due, transport)
from tests.support.processes import SmtpServer

RID = "9a8b7c6d-0000-4000-8000-000000000009"


def test_a_notice_waits_out_the_mail_servers_absence_and_goes_once(
        notify_factory, smtp_config, smtp_port, tmp_path):
    notify = notify_factory(smtp_config)  # nothing listens on smtp_port yet
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    failed = delivery_log(notify, RID)["start"]
    assert failed["status"] == "pending" and failed["attempts"] == 1
    assert "Connection" in failed["last_error"] and failed["next_attempt_at"]
    server = SmtpServer(tmp_path / "maildir", smtp_port).start()
    try:
        now = utcnow()
        assert send_due(notify, now) == 0  # its back-off (5 s) has not passed
        assert send_due(notify, now + timedelta(seconds=6)) == 1
        assert send_due(notify, now + timedelta(hours=1)) == 0  # sent is sent
        (start,) = mails(server, RID)
        assert start["X-Kring-Notice"] == "start"
        sent = delivery_log(notify, RID)["start"]
        assert (sent["status"], sent["attempts"]) == ("sent", 2)
        assert "Connection" in sent["last_error"]  # kept: the log tells why it took two
    finally:
        server.kill()


def test_the_back_off_grows_while_the_server_stays_away(notify_factory, smtp_config):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    now = utcnow()
    for later in (6, 6 + 11, 6 + 11 + 21):
        assert send_due(notify, now + timedelta(seconds=later)) == 1
    assert send_due(notify, now + timedelta(seconds=6 + 11 + 21 + 39)) == 0  # 40 s not over
    assert delivery_log(notify, RID)["start"]["attempts"] == 4


def test_the_timer_sends_a_notice_a_crash_left_unsent(notify_factory, smtp_config, smtp):
    notify = notify_factory(dict(smtp_config, **{SWEEP_SECONDS_KEY: 0.2}))
    # recorded as the handlers record it, but nobody sent it (the process died after the commit)
    decided(notify, received(RID), case_started(RID))
    with entrypoint_waiter(notify, "send_due", timeout=20,
                           callback=lambda *_: len(mails(smtp, RID)) == 1):
        pass
    assert delivery_log(notify, RID)["start"]["status"] == "sent"


def test_two_senders_at_once_send_a_notice_once(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    decided(notify, received(RID), case_started(RID))
    uow_a, uow_b = unit_of_work(notify), unit_of_work(notify)
    now = utcnow()
    pool = eventlet.GreenPool()
    runs = [pool.spawn(send_due_with, notify, uow, now) for uow in (uow_a, uow_b)]
    assert sorted(run.wait() for run in runs) == [0, 1]
    assert len(mails(smtp, RID)) == 1
    assert delivery_log(notify, RID)["start"]["attempts"] == 1


def send_due_with(container, uow, now):
    return handlers.send_due(uow, transport(container), marks(container), now)


def test_a_claimed_notice_is_nobody_elses_until_the_claim_lapses(notify_factory, smtp_config):
    """The conditional UPDATE that replicas race on, step by step."""
    notify = notify_factory(smtp_config)
    decided(notify, received(RID), case_started(RID))
    uow, now = unit_of_work(notify), utcnow()
    lease = timedelta(seconds=CLAIM_SECONDS)
    with uow:  # the one due notice, taken by the first sender
        notices = Notices(uow)
        notice_id = notices.claim_next(now, now + lease)
        assert notice_id == notices.notice(RID, "start").notice_id
        assert notices.claim_next(now, now + lease) is None  # nothing else is due
    for at, expected in ((now, False), (now + lease - timedelta(seconds=1), False),
                         (now + lease + timedelta(seconds=1), True)):
        with uow:
            assert Notices(uow).claim(notice_id, at, at + lease) is expected
