"""What the referral page shows of the proposal and the case, from the API's answers.

Pure: no IO. The page shows the case read-only and small (the case is worked on elsewhere):
its status, its supporter and how many visits it has had."""
from kring.contracts.events import PARTIES


def open_parties(proposal):
    """The parties whose answer the proposal still waits for: a form each. None once it is no
    longer open (accepted, declined, cancelled)."""
    if proposal is None or proposal.get("status") != "open":
        return []
    answers = proposal.get("answers") or {}
    return [party for party in PARTIES if party not in answers]


def case_summary(case, proposal=None):
    """The case's status, supporter and visits; the supporter by name when the proposal shown
    is the one that made the case (the case itself names the supporter by id only)."""
    supporter = case["supporter_id"]
    if proposal and proposal.get("supporter_id") == supporter:
        supporter = proposal.get("supporter_name") or supporter
    return {"case_id": case["case_id"], "status": case["status"], "supporter": supporter,
            "visits": len(case.get("visits") or []), "opened_at": case.get("opened_at")}
