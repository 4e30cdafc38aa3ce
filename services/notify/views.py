"""What notify shows: the delivery log of a referral, as `kring notices REFERRAL_ID` prints it
(docs/contract.md §6). Each notice and where it went, never anything about the family."""
from kring.clock import iso
from services.notify.domain import PENDING


def notice_view(notice):
    def moment(value):
        return iso(value) if value is not None else None
    return {"kind": notice.kind, "status": notice.status, "reason": notice.reason,
            "channel": notice.channel, "recipient": notice.recipient,
            "location": notice.location, "attempts": notice.attempts,
            "last_error": notice.last_error, "created_at": moment(notice.created_at),
            "next_attempt_at": moment(notice.next_attempt_at) if notice.status == PENDING
            else None, "sent_at": moment(notice.sent_at)}


def contact_view(contact):
    """The referrer's contact as notify keeps it (exportReferral)."""
    return {"external_ref": contact.external_ref, "programme": contact.programme,
            "email": contact.email, "language": contact.language,
            "organisation": contact.organisation, "share_status": contact.share_status,
            "partner": contact.partner}
