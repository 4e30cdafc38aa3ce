"""Answers to a proposal, given through the coordinator: both yes, a no, and the 409s."""
import pytest

from kring.errors import NotAllowed
from services.matching.domain import LOOKING, MATCHED, MATCHING
from services.matching.events import MatchMade, ProposalDeclined
from services.matching.proposal import ACCEPTED, DECLINED, OPEN
from services.matching.scoring import best_candidate
from tests.support.unit.matching import AT, LATER, proposed, supporter


def test_both_yes_makes_the_match():
    looking, proposal = proposed(kind="professional")
    looking.answer(proposal, "supporter", True, None, AT)
    assert (looking.status, proposal.status, looking.events) == (MATCHING, OPEN, [])
    looking.answer(proposal, "family", True, "a good first meeting", LATER)
    assert (looking.status, looking.supporter_id, looking.holds_capacity) == (
        MATCHED, "s-1", True)
    assert (proposal.status, proposal.closed_at) == (ACCEPTED, LATER)
    assert proposal.answers["family"] == {"accept": True, "reason": "a good first meeting",
                                          "at": LATER}
    assert looking.events == [MatchMade("p-1", "s-1", "professional", "medium",
                                        "home-start-oost", "home-start")]


@pytest.mark.parametrize("party", ["family", "supporter"])
def test_a_no_declines_and_that_supporter_is_never_proposed_again(party):
    looking, proposal = proposed()
    looking.answer(proposal, party, False, "no click", AT)
    assert (looking.status, proposal.status) == (LOOKING, DECLINED)
    assert looking.events == [ProposalDeclined("p-1", party)]
    assert best_candidate(looking, [supporter("s-1")]) is None
    assert best_candidate(looking, [supporter("s-1"), supporter("s-2", 2)]) \
        .supporter.supporter_id == "s-2"


def test_a_party_answers_once():
    looking, proposal = proposed()
    looking.answer(proposal, "family", True, None, AT)
    with pytest.raises(NotAllowed, match="already answered"):
        looking.answer(proposal, "family", False, None, AT)


@pytest.mark.parametrize("close", ["declined", "accepted", "cancelled"])
def test_a_closed_proposal_takes_no_answer(close):
    looking, proposal = proposed()
    if close == "declined":
        looking.answer(proposal, "family", False, None, AT)
    elif close == "accepted":
        looking.answer(proposal, "family", True, None, AT)
        looking.answer(proposal, "supporter", True, None, AT)
    else:
        looking.end(proposal, AT)
    with pytest.raises(NotAllowed):
        looking.answer(proposal, "supporter", True, None, AT)
