"""listReferrals: whose referrals a caller lists, the page's cursor, and what each row shows.

The cursor is the (created_at, referral_id) of the page's last row, opaque to the caller: a
referral stored while someone pages neither repeats nor skips a row (newest first, and the id
breaks ties of the same instant).
"""
import base64
import binascii
import json
from datetime import datetime

from kring.errors import INVALID_QUERY, Invalid
from services.referral.views import shown_status

STAFF = ("coordinator", "admin")


def scope(caller, query):
    """The filter of the caller's rows: the rule table's reach (kring.contracts.access) as a
    query (Caller.scope); a referrer may not filter by status, which would tell what consent
    keeps back."""
    if caller.role in STAFF:
        return {**caller.scope(), "status": query.get("status")}
    if query.get("status") is not None:
        raise Invalid(INVALID_QUERY, {"status": ["only coordinators and admins filter by status"]})
    return caller.scope()


def encode_cursor(created_at, referral_id):
    raw = json.dumps([created_at.isoformat(), referral_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, referral_id = json.loads(raw)
        return datetime.fromisoformat(created_at), str(referral_id)
    except (ValueError, TypeError, binascii.Error):
        raise Invalid(INVALID_QUERY, {"cursor": ["not a cursor this list gave"]}) from None


def summary(referral, role):
    """A row of the list: no family data; the status as getReferral shows it to the role."""
    received = next((entry.at for entry in referral.sorted_timeline()), referral.status_at)
    return {"referral_id": referral.referral_id, "external_ref": referral.external_ref,
            "programme": referral.programme,
            "status": referral.status if role in STAFF else shown_status(referral),
            "received_at": received}
