"""listReferrals: whose referrals a caller lists, and what each row shows.

The page's cursor (kring.kit.paging) is the (created_at, referral_id) of its last row: newest
first, and the id breaks ties of the same instant.
"""
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


def summary(referral, role):
    """A row of the list: no family data; the status as getReferral shows it to the role."""
    received = next((entry.at for entry in referral.sorted_timeline()), referral.status_at)
    return {"referral_id": referral.referral_id, "external_ref": referral.external_ref,
            "programme": referral.programme,
            "status": referral.status if role in STAFF else shown_status(referral),
            "received_at": received}
