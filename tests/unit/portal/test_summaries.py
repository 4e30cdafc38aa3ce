"""What the referral page shows of a proposal and a case (services/portal/summaries.py)."""
from services.portal.summaries import case_summary, open_parties

PROPOSAL = {"proposal_id": "p-1", "supporter_id": "s-1", "supporter_name": "Sanne",
            "status": "open", "answers": {}}
CASE = {"case_id": "c-1", "status": "open", "supporter_id": "s-1",
        "opened_at": "2026-11-30T10:00:00Z", "visits": [{"hours": 2}, {"hours": 1}]}


def test_an_open_proposal_waits_for_each_party_that_has_not_answered():
    assert open_parties(PROPOSAL) == ["family", "supporter"]
    family_said_yes = {**PROPOSAL, "answers": {"family": {"accept": True}}}
    assert open_parties(family_said_yes) == ["supporter"]


def test_a_proposal_no_longer_open_or_none_waits_for_nobody():
    assert open_parties({**PROPOSAL, "status": "declined",
                         "answers": {"family": {"accept": False}}}) == []
    assert open_parties({**PROPOSAL, "status": "accepted"}) == []
    assert open_parties(None) == []


def test_a_case_is_its_status_its_supporter_by_name_and_its_count_of_visits():
    assert case_summary(CASE, PROPOSAL) == {"case_id": "c-1", "status": "open",
                                            "supporter": "Sanne", "visits": 2,
                                            "opened_at": "2026-11-30T10:00:00Z"}


def test_a_case_of_another_supporter_than_the_proposals_names_it_by_id():
    other = {**PROPOSAL, "supporter_id": "s-2"}
    assert case_summary({**CASE, "visits": []}, other)["supporter"] == "s-1"
    assert case_summary(CASE)["supporter"] == "s-1"
