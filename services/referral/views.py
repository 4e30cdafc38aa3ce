"""What each role may see of a referral (plain JSON-ready dicts)."""

DOWNSTREAM_IDS = ("proposal_id", "case_id", "aftercare_id")


def referral_view(referral, role):
    """Status, timeline and downstream ids for everyone who may see the referral; the family
    and the request only for coordinators and admins."""
    shown = {
        "referral_id": referral.referral_id,
        "external_ref": referral.external_ref,
        "programme": referral.programme,
        "status": referral.status,
        "outcome": referral.outcome,
        "timeline": [{"status": e.status, "at": e.at, "detail": e.detail}
                     for e in referral.sorted_timeline()],
        **{name: getattr(referral, name) for name in DOWNSTREAM_IDS},
    }
    if role in ("coordinator", "admin"):  # they do the intake; a referrer already knows this
        shown["family"] = referral.details["family"]
        shown["request"] = referral.details["request"]
    return shown


def status_view(referral):
    """The status and timeline for an operator (`kring status`): no family details."""
    return referral_view(referral, "referrer")
