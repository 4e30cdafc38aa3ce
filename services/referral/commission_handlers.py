"""Use cases of the municipality's commission (docs/contract.md §4 "Commissions").

A `municipality` token's org is its CBS code; it reaches the referrals of families in its
municipality (kring/contracts/access.py OWN_MUNICIPALITY) and sees of them only what the
decision needs (views.commission_view).
"""
from kring.clock import iso, utcnow
from kring.contracts.commission import AWAITING, DECIDED
from kring.errors import NotFound
from kring.kit import audit, paging
from services.referral.handlers import reached
from services.referral.models import Referrals
from services.referral.views import commission_view

def decide_commission(uow, caller, referral_id, body):
    """Yes: matching starts (referral_commissioned). No: the referral closes as declined; the
    reason stays here. Not waiting for a decision (a second one too): 409."""
    with uow:
        referrals = Referrals(uow)
        referral = reached(caller, referrals, referral_id, for_update=True)
        referral.decide_commission(body["commissioned"], body["reason"], caller.role,
                                   caller.org, caller.subject, iso(utcnow()))
        referrals.save(referral)
        return commission_view(referral)


def get_commission_request(uow, caller, referral_id):
    """One referral of the caller's municipality as the decision needs it; a referral that
    never asked for a commission answers as an unknown id."""
    missing = NotFound(f"no commission request {referral_id}")
    with uow:
        referral = reached(caller, Referrals(uow), referral_id, missing=missing)
        if referral.commission is None:
            raise missing
        return commission_view(referral)


def list_commission_requests(uow, caller, query):
    """A page of the referrals of the caller's municipality waiting for its decision, or
    decided. Each one listed is recorded in its own audit trail: a list is a read of each.
    Paged by cursor (kring.kit.paging); `offset` stays for those who page by it."""
    decided = query["state"] == "decided"
    limit = query["limit"]
    with uow:
        found, total = Referrals(uow).commissions(
            caller.org, DECIDED if decided else (AWAITING,), decided, limit + 1,
            query["offset"], query.get("cursor"))
        found, next_cursor = paging.cut(found, limit, lambda referral: (
            referral.commission_decided_at if decided else referral.commission_asked_at,
            referral.referral_id))
        audit.record_each(uow, caller, [referral.referral_id for referral in found])
        shown = [commission_view(referral) for referral in found]
    return {"state": query["state"], "commissions": shown, "total": total,
            "limit": limit, "offset": query["offset"], "next_cursor": next_cursor}
