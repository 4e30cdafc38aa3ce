"""What a notice says and how it is addressed. Pure: no nameko, no SQLAlchemy, no IO.

What a notice may show is whitelisted in `body_facts`: the referral, the programme, the status,
the date and the coordinating organisation — never anything about the family (docs/contract.md §6).
"""
import re

from services.notify import words
from services.notify.domain import CONFIRMATION, wording_of


def one_line(text):
    """Header-safe: a line break in a header value would let it add headers of its own."""
    return re.sub(r"\s+", " ", str(text)).strip()


def safe_id(referral_id):
    """For file names and Message-IDs: no slashes, spaces or angle brackets from the wire."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", str(referral_id)).strip(".") or "_"


def message_id(referral_id, kind):
    """The same for every attempt: mail systems can drop a resend after a crash as a duplicate."""
    return f"<{safe_id(referral_id)}.{kind}@kring>"


def file_name(referral_id, kind):
    return f"{safe_id(referral_id)}-{kind}.eml"


# what notify's files are sealed to under the data keys (kring.kit.crypto.seal_file): a file
# moved from one folder into the other does not open
NOTICE_FILES = "notices"  # the .eml files (services/notify/delivery.py)
MARK_FILES = "marks"  # the delivery marks (services/notify/marks.py)


def subject(notice, contact):
    template = words.SUBJECTS[contact.language][wording_of(notice.kind, contact)]
    return one_line(template.format(ref=contact.external_ref, id=notice.referral_id))


def headers(notice, contact, sender):
    """Every header of the message but Date and the body's own."""
    return {
        "From": sender,
        "To": contact.email,
        "Subject": subject(notice, contact),
        "Message-ID": message_id(notice.referral_id, notice.kind),
        "Content-Language": contact.language,
        "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies to us
        "X-Kring-Notice": notice.kind,
        "X-Kring-Referral": one_line(notice.referral_id),
    }


def body_facts(notice, contact):
    """All a template may show. Adding a field here is a privacy decision: never family data.
    A confirmation adds its own (`confirmation_facts`)."""
    language = contact.language
    if notice.kind == CONFIRMATION:
        return confirmation_facts(notice, contact)
    return {
        "referral_id": notice.referral_id,
        "external_ref": contact.external_ref,
        "programme": contact.programme,
        "status": words.STATUS[language][wording_of(notice.kind)],
        "outcome": words.OUTCOMES[language].get(notice.outcome) if notice.outcome else None,
        "date": words.date(notice.occurred_at, language),
        "coordinator": notice.coordinating_org or contact.programme,
    }


def confirmation_facts(notice, contact):
    """What the confirmation e-mail of a family's own application shows: the link and the
    token to confirm with, until when, and the programme's leaflet; nothing of the
    application itself (the applicant wrote it and knows it)."""
    payload = notice.payload or {}
    return {"application_id": notice.referral_id, "programme": contact.programme,
            "link": payload.get("link"), "token": payload.get("token"),
            "leaflet": payload.get("leaflet"),
            "expires": words.moment(payload["expires_at"], contact.language)
            if payload.get("expires_at") else None}
