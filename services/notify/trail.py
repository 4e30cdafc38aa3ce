"""What notify writes in its audit trail (kring.kit.audit, docs/security.md).

A notice tells someone outside Kring (the referrer) about a referral, so notify records each
notice it settles, in the transaction that records it sent or suppressed: a notice is never
recorded as sent without its record in the trail, and an attempt that failed (nothing settled)
writes none. Notify is the one acting: person "kring-notify" of organisation "kring", in the
role "system". The answer says what became of the notice:

    250  the mail server accepted it (SMTP's own answer to a message it takes)
    200  it was written as an .eml file (no SMTP server configured)
    204  nothing went out: suppressed (no consent to share, consent withdrawn, or a start
         after the closure)

`kring notices REFERRAL_ID` reads what notify holds of a referral: recorded as an operator's
read at the console, in the transaction that read it.
"""
from kring.contracts.audit import SYSTEM_ROLE
from kring.kit import audit
from kring.kit.audit import CLI_ORGANISATION
from services.notify.domain import PENDING, SUPPRESSED

SEND_NOTICE = "sendNotice"
NOTIFY, KRING = "kring-notify", "kring"
ANSWERS = {"smtp": 250, "file": 200}
NOTHING_SENT = 204

READ_NOTICES = "kring notices"
OPERATOR = "operator"
UNNAMED = "unknown"  # a `kring notices` that did not say who runs it (an older command)
READ = 200


def notice_settled(uow, notice):
    """Record `notice`, just settled (sent or suppressed), in this unit of work's transaction."""
    if notice.status == PENDING:
        raise ValueError(f"{notice.kind} notice of {notice.referral_id} is not settled yet")
    answer = NOTHING_SENT if notice.status == SUPPRESSED else ANSWERS[notice.channel]
    audit.record(uow.session, uow.audit_table, SEND_NOTICE, NOTIFY, KRING, SYSTEM_ROLE, answer,
                 notice.referral_id, target_id=notice.kind)


def notices_read(uow, referral_id, person):
    """Record that `person` (the OS user running `kring notices`) read a referral's notices."""
    audit.record(uow.session, uow.audit_table, READ_NOTICES, person or UNNAMED,
                 CLI_ORGANISATION, OPERATOR, READ, referral_id)
