"""What the API shows of supporters and proposals (plain types, JSON-ready)."""
from services.matching.supporter import EDITABLE

INTAKE_STATUS = {"matching": "matching", "waitlisted": "waitlisted", "declined": "declined",
                 "awaiting": "awaiting_commission"}


def supporter_view(supporter):
    return {"supporter_id": supporter.supporter_id, "organisation": supporter.organisation,
            **{name: getattr(supporter, name) for name in EDITABLE},
            "load": supporter.load, "reserved": supporter.reserved, "free": supporter.free,
            "registered_at": supporter.registered_at}


def proposal_view(proposal, next_proposal_id=None):
    return {"proposal_id": proposal.proposal_id, "referral_id": proposal.referral_id,
            "supporter_id": proposal.supporter_id, "supporter_name": proposal.supporter_name,
            "supporter_kind": proposal.supporter_kind, "score": proposal.score,
            "reasons": list(proposal.reasons), "status": proposal.status,
            "answers": proposal.answers, "made_at": proposal.made_at,
            "closed_at": proposal.closed_at, "next_proposal_id": next_proposal_id}


def proposal_row(proposal):
    """A row of listProposals: who still has to answer, nothing of the family."""
    return {"proposal_id": proposal.proposal_id, "referral_id": proposal.referral_id,
            "status": proposal.status, "waiting_for": proposal.waiting_for,
            "supporter_name": proposal.supporter_name, "made_at": proposal.made_at}


def waiting_row(referral):
    """A row of listWaitingList."""
    return {"referral_id": referral.referral_id, "programme": referral.programme,
            "severity": referral.severity, "since": referral.waitlisted_at}


def intake_view(referral, proposal):
    return {"referral_id": referral.referral_id, "status": INTAKE_STATUS[referral.status],
            "proposal_id": proposal.proposal_id if proposal else None}


def profile_view(referral):
    """All matching holds of a referral (exportReferral)."""
    return {name: getattr(referral, name) for name in (
        "referral_id", "programme", "municipality", "languages", "domains", "urgency",
        "family_key", "received_at", "status", "severity", "coordinator_org", "waitlisted_at",
        "declined_supporters", "proposal_id", "supporter_id", "ended_at")}
