"""Notify's audit trail (services/notify/trail.py), against a throw-away SQLite file: each notice
it settles, sent or suppressed, is recorded once, in the transaction that records it; a failed
attempt is not; and each `kring notices` read is recorded as the operator's."""
from datetime import datetime, timedelta, timezone

import pytest

from kring.clock import utcnow
from kring.contracts.events import make_event
from services.notify import handlers, trail
from services.notify.domain import Notice
from services.notify.marks import Marks
from services.notify.models import Notices
from tests.support.databases import audit_records

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(hours=1)  # past every back-off and claim
NOTIFY = ("sendNotice", "kring-notify", "kring", "system")
REFERRER = ("j.devries@example.org", "HA-2026-0042", "Huisartsenpraktijk Oost")


class Transport:
    """Takes each message the way a server (or the file system) does, or fails as told."""

    def __init__(self, channel="smtp", failures=0):
        self.channel, self.sender, self.failures, self.taken = channel, "k@example.org", \
            failures, []

    def deliver(self, message, file_name, accepted):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("the mail server is away")
        self.taken.append(message["X-Kring-Notice"])
        accepted("mail.example.org:25" if self.channel == "smtp" else f"/notices/{file_name}")


def received(referral_id="r-1", share=True):
    return make_event("referral", "referral_received", referral_id, programme="home-start",
                      organisation="huisarts-oost", external_ref="HA-2026-0042",
                      municipality="Utrecht", languages=["nl"], domains=["parenting"],
                      urgency="normal", referrer_email="j.devries@example.org",
                      referrer_language="nl", referrer_organisation="Huisartsenpraktijk Oost",
                      share_status_with_referrer=share, partner=None, family_key="k-1")


def started(referral_id="r-1"):
    return make_event("casework", "case_started", referral_id, case_id="c-1",
                      supporter_id="s-1", severity="medium", coordinator_org="home-start-oost")


def closed(referral_id="r-1"):
    return make_event("referral", "referral_closed", referral_id, outcome="completed",
                      coordinating_org="home-start-oost", case_started_at=None)


def react(uow, *events):
    for event in events:
        uow.inbox_key = "on_casework" if event.source == "casework" else "on_referral"
        handlers.react(uow, event, NOW)


def sends(uow):
    return [(r["referral_id"], r["target_id"], r["answer"]) for r in audit_records(uow)
            if (r["operation"], r["person"], r["organisation"], r["role"]) == NOTIFY]


def no_referrer_data(uow):
    written = " ".join(str(value) for record in audit_records(uow) for value in record.values())
    return not [detail for detail in REFERRER if detail in written]


def test_each_notice_sent_is_recorded_once_with_what_took_it(uow, tmp_path):
    react(uow, received(), started())
    smtp = Transport("smtp")
    assert handlers.send_due(uow, smtp, Marks(tmp_path), NOW) == 1
    react(uow, closed())
    files = Transport("file")
    assert handlers.send_due(uow, files, Marks(tmp_path), NOW) == 1
    assert handlers.send_due(uow, smtp, Marks(tmp_path), LATER) == 0
    assert (smtp.taken, files.taken) == (["start"], ["closure"])
    assert sends(uow) == [("r-1", "start", 250), ("r-1", "closure", 200)]
    assert no_referrer_data(uow)


def test_a_failed_attempt_is_not_recorded_and_the_one_that_goes_is(uow, tmp_path):
    react(uow, received(), started())
    transport = Transport(failures=2)
    for moment in (NOW, LATER, LATER + timedelta(hours=1)):
        handlers.send_due(uow, transport, Marks(tmp_path), moment)
    assert transport.taken == ["start"]
    assert sends(uow) == [("r-1", "start", 250)]


def test_suppressed_notices_are_recorded_as_nothing_sent(uow, tmp_path):
    react(uow, started("r-1"))  # waits for its contact, which then says no
    react(uow, received("r-1", share=False), closed("r-1"))  # decided suppressed at once
    react(uow, received("r-2"), closed("r-2"), started("r-2"))  # a start after the closure
    transport = Transport()
    handlers.send_due(uow, transport, Marks(tmp_path), LATER)
    assert transport.taken == ["closure"]
    assert sorted(sends(uow)) == [("r-1", "closure", 204), ("r-1", "start", 204),
                                  ("r-2", "closure", 250), ("r-2", "start", 204)]


def test_a_delivery_recorded_from_its_mark_is_recorded_once(uow, tmp_path):
    """The server took it, the record never came (a crash): the sweep records it from its
    mark, with its audit record; a record that comes through late writes none."""
    react(uow, received(), started())
    with uow:
        notice = Notices(uow).notice("r-1", "start")
    notice.delivered("smtp", "j.devries@example.org", "mail.example.org:25", NOW)
    marks = Marks(tmp_path)
    marks.put(notice)
    settled = utcnow() + timedelta(hours=1)  # marks age by the clock of the file system
    assert handlers.send_due(uow, Transport(), marks, settled) == 0
    assert sends(uow) == [("r-1", "start", 250)]
    handlers._record(uow, notice)  # its own record, late: the notice is settled already
    assert sends(uow) == [("r-1", "start", 250)]


def test_kring_notices_is_recorded_as_the_operator_s_read(uow):
    react(uow, received(), started())
    shown = handlers.delivery_log(uow, "r-1", "ayse")
    assert [notice["kind"] for notice in shown] == ["start"]
    handlers.delivery_log(uow, "r-9")  # a command that did not say who runs it
    reads = [(r["operation"], r["person"], r["organisation"], r["role"], r["answer"],
              r["referral_id"]) for r in audit_records(uow)]
    assert reads == [("kring notices", "ayse", "platform", "operator", 200, "r-1"),
                     ("kring notices", "unknown", "platform", "operator", 200, "r-9")]


def test_only_a_settled_notice_can_be_recorded(uow):
    with pytest.raises(ValueError), uow:
        trail.notice_settled(uow, Notice("r-1", "start", "2026-11-24T14:00:00.000000Z"))
