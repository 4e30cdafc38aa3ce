"""Notify's audit trail (services/notify/trail.py): every notice it sends or suppresses is
recorded once, as notify's own act, with what took it; `kring notices` is recorded as the read
of the operator who ran it."""
import getpass
import subprocess

from kring.contracts.audit import SYSTEM_ROLE
from tests.support.databases import audit_records, unit_of_work
from tests.support.integration.notify import case_started, closed, deliver, mails, received
from tests.support.processes import KRING, clean_env

RID = "4c3b2a19-0000-4000-8000-0000000000a1"
REFERRER = ("j.devries@example.org", "HA-2026-0042", "Huisartsenpraktijk Oost")


def sends(notify):
    """(referral, notice, answer) of each notice notify recorded as its own act."""
    return [(r["referral_id"], r["target_id"], r["answer"])
            for r in audit_records(unit_of_work(notify))
            if (r["operation"], r["person"], r["organisation"], r["role"]) ==
            ("sendNotice", "kring-notify", "kring", SYSTEM_ROLE)]


def test_each_notice_the_mail_server_takes_is_recorded_once(notify_factory, smtp_config, smtp):
    notify = notify_factory(smtp_config)
    start, closure = case_started(RID), closed(RID, "completed")
    deliver(notify, received(RID))
    deliver(notify, start, start)  # a redelivery sends nothing more, and records nothing more
    deliver(notify, closure, closure)
    assert len(mails(smtp, RID)) == 2
    assert sends(notify) == [(RID, "start", 250), (RID, "closure", 250)]
    written = " ".join(str(value) for record in audit_records(unit_of_work(notify))
                       for value in record.values())
    assert not [detail for detail in REFERRER if detail in written]


def test_a_notice_written_as_a_file_and_a_suppressed_one_are_recorded(notify_factory,
                                                                       kring_config):
    notify = notify_factory(kring_config)  # no SMTP: .eml files
    other = "4c3b2a19-0000-4000-8000-0000000000a2"
    deliver(notify, received(RID), received(other, share=False))
    deliver(notify, case_started(RID), case_started(other))
    assert sorted(sends(notify)) == [(RID, "start", 200), (other, "start", 204)]


def test_kring_notices_is_recorded_as_the_read_of_who_ran_it(notify_factory, smtp_config,
                                                             smtp):
    notify = notify_factory(smtp_config)
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    shown = subprocess.run([KRING, "notices", RID], capture_output=True, text=True, timeout=60,
                           env=clean_env(AMQP_URI=smtp_config["AMQP_URI"]))
    assert shown.returncode == 0, shown.stderr
    assert "start" in shown.stdout and "sent" in shown.stdout
    reads = [(r["operation"], r["person"], r["organisation"], r["role"], r["answer"],
              r["referral_id"]) for r in audit_records(unit_of_work(notify))
             if r["operation"] == "kring notices"]
    assert reads == [("kring notices", getpass.getuser(), "platform", "operator", 200, RID)]
