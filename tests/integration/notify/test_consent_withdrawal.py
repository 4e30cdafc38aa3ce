"""A withdrawal of consent (consent_withdrawn, docs/contract.md §7 "Consent"): no notice of the
referral goes out after it, also one that was already due, one a sender had just claimed, and
one decided before the contact came."""
from datetime import timedelta

from kring.clock import utcnow
from services.notify import handlers
from services.notify.delivery import FileTransport
from services.notify.domain import CLAIM_SECONDS, CONSENT_WITHDRAWN
from services.notify.models import Notices
from tests.support.databases import audit_records, unit_of_work
from tests.support.integration.notify import (case_started, closed, consent_withdrawn, decided,
                                              deliver, delivery_log, mails, marks, received,
                                              send_due)

RID = "9a8b7c6d-0000-4000-8000-000000000001"


class Files(FileTransport):
    """The real .eml channel, remembering what it delivered."""

    def __init__(self, folder):
        super().__init__(folder)
        self.delivered = []

    def deliver(self, message, file_name, accepted):
        super().deliver(message, file_name, accepted)
        self.delivered.append(message["X-Kring-Notice"])


def suppressed_for_withdrawal(log, *kinds):
    for kind in kinds:
        assert (log[kind]["status"], log[kind]["reason"]) == ("suppressed", CONSENT_WITHDRAWN), \
            log[kind]
        assert log[kind]["sent_at"] is None and log[kind]["channel"] is None


def test_after_a_withdrawal_the_closure_notice_does_not_go(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    assert [m["X-Kring-Notice"] for m in mails(smtp, RID)] == ["start"]
    deliver(notify, consent_withdrawn(RID))
    deliver(notify, closed(RID, "completed"))
    assert [m["X-Kring-Notice"] for m in mails(smtp, RID)] == ["start"]
    log = delivery_log(notify, RID)
    assert log["start"]["status"] == "sent"
    suppressed_for_withdrawal(log, "closure")


def test_notices_due_but_not_yet_sent_never_go(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    decided(notify, received(RID), case_started(RID), closed(RID, "withdrawn"))
    assert {n["status"] for n in delivery_log(notify, RID).values()} == {"pending"}
    deliver(notify, consent_withdrawn(RID), consent_withdrawn(RID))  # and once more: no harm
    suppressed_for_withdrawal(delivery_log(notify, RID), "start", "closure")
    assert send_due(notify, utcnow() + timedelta(hours=1)) == 0
    assert mails(smtp, RID) == []
    # each settled once in the audit trail: nothing went out (204)
    settled = [(r["target_id"], r["answer"]) for r in audit_records(unit_of_work(notify))
               if r["operation"] == "sendNotice"]
    assert sorted(settled) == [("closure", 204), ("start", 204)]


def test_a_withdrawal_that_came_before_the_contact_still_holds(notify_factory, smtp_config,
                                                               smtp):
    """Events of one queue can be reordered by a retry: the withdrawal may come first."""
    notify = notify_factory(smtp_config)
    deliver(notify, case_started(RID))  # waits for the contact
    deliver(notify, consent_withdrawn(RID))
    deliver(notify, received(RID))
    deliver(notify, closed(RID, "completed"))
    assert mails(smtp, RID) == []
    suppressed_for_withdrawal(delivery_log(notify, RID), "start", "closure")


def test_a_withdrawal_that_arrives_just_after_the_claim_stops_the_notice(
        notify_factory, files_config, tmp_path, monkeypatch):
    """The sender claimed the notice, then the withdrawal arrived: the reaction leaves a
    claimed notice to its sender, who asks again just before it delivers."""
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID))
    claim = handlers._claim_next
    left_pending = []

    def claimed_then_withdrawn(uow, now, claimant):
        taken = claim(uow, now, claimant)
        if taken is not None:
            decided(notify, consent_withdrawn(RID))
            left_pending.append(delivery_log(notify, RID)["start"]["status"])
        return taken

    monkeypatch.setattr(handlers, "_claim_next", claimed_then_withdrawn)
    transport = Files(tmp_path / "notices")
    handlers.send_due(unit_of_work(notify), transport, marks(notify), utcnow())
    assert left_pending == ["pending"] and transport.delivered == []
    suppressed_for_withdrawal(delivery_log(notify, RID), "start")


def test_a_notice_whose_sender_died_mid_claim_does_not_go_after_a_withdrawal(
        notify_factory, files_config, tmp_path):
    notify = notify_factory(files_config)
    decided(notify, received(RID), case_started(RID))
    now = utcnow()
    uow = unit_of_work(notify)
    with uow:  # a sender claims it, and is killed before it delivers
        notices = Notices(uow)
        assert notices.claim(notices.notice(RID, "start").notice_id, now,
                             now + timedelta(seconds=CLAIM_SECONDS))
    deliver(notify, consent_withdrawn(RID))
    assert delivery_log(notify, RID)["start"]["status"] == "pending"  # its sender's, for now
    transport = Files(tmp_path / "notices")
    later = now + timedelta(seconds=CLAIM_SECONDS + 1)
    handlers.send_due(unit_of_work(notify), transport, marks(notify), later)
    assert transport.delivered == []
    suppressed_for_withdrawal(delivery_log(notify, RID), "start")
