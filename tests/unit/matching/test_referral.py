"""The referral's way through matching: intake, proposals and answers, the end."""
import pytest

from kring.errors import Invalid, NotAllowed
from services.matching.domain import (DECLINED, LOOKING, MATCHING, OVER, RECEIVED, WAITLISTED,
                                      MatchingReferral)
from services.matching.events import IntakeRecorded, ProposalMade, ReferralWaitlisted
from services.matching.proposal import CANCELLED, OPEN
from services.matching.scoring import best_candidate
from tests.support.unit.matching import (AT, LATER, ORG, OTHER_ORG, profile, proposed, referral,
                                         supporter)

def test_an_intake_that_fits_looks_for_a_supporter():
    received = referral(fits=None)
    assert received.status == RECEIVED
    received.record_intake(True, "high", "fits well", ORG)
    assert (received.status, received.severity) == (LOOKING, "high")
    assert received.events == [IntakeRecorded(True, "high", "fits well", ORG)]


def test_an_intake_that_does_not_fit_ends_matching_for_it():
    received = referral(fits=None)
    received.record_intake(False, None, "another programme suits", ORG)
    assert received.status == DECLINED
    assert received.events == [IntakeRecorded(False, None, "another programme suits", ORG)]


def test_a_routed_referral_is_coordinated_by_its_route():
    routed = MatchingReferral.receive("r-1", profile(coordinating_org=OTHER_ORG), AT)
    assert routed.coordinator_org == OTHER_ORG
    routed.record_intake(True, "low", None, OTHER_ORG)
    assert routed.events[-1].coordinator_org == OTHER_ORG


def test_a_referral_from_before_routing_is_coordinated_by_whoever_holds_its_intake():
    unrouted = MatchingReferral.receive("r-1", profile(coordinating_org=None), AT)
    assert unrouted.coordinator_org is None
    unrouted.record_intake(True, "low", None, OTHER_ORG)
    assert (unrouted.coordinator_org, unrouted.events[-1].coordinator_org) == (
        OTHER_ORG, OTHER_ORG)


def test_a_fitting_intake_needs_a_severity():
    with pytest.raises(Invalid):
        referral(fits=None).record_intake(True, None, None, ORG)


@pytest.mark.parametrize("before", ["fits", "declined", "over"])
def test_the_intake_is_recorded_once_and_never_after_the_end(before):
    done = referral(fits=None)
    if before == "over":
        done.end(None, AT)
    else:
        done.record_intake(before == "fits", "low", None, ORG)
    with pytest.raises(NotAllowed, match="over" if before == "over" else "already"):
        done.record_intake(True, "low", None, ORG)


def test_a_candidate_is_proposed_with_the_reasons():
    looking = referral()
    proposal = looking.place(best_candidate(looking, [supporter(expertise=["parenting"])]),
                             "p-1", AT)
    assert (looking.status, looking.proposal_id, proposal.status) == (MATCHING, "p-1", OPEN)
    assert "expertise: parenting" in proposal.reasons
    assert looking.events == [ProposalMade("p-1", "s-1", proposal.reasons)]


def test_no_candidate_waitlists_once_and_keeps_the_first_place():
    looking = referral()
    assert looking.place(None, "p-1", AT) is None
    assert (looking.status, looking.waitlisted_at) == (WAITLISTED, AT)
    assert looking.events == [ReferralWaitlisted("no_candidate")]
    looking.events.clear()
    looking.place(None, "p-2", LATER)  # the timer found nobody again: nothing happened
    assert looking.events == [] and looking.waitlisted_at == AT


def test_the_end_cancels_the_open_proposal_and_frees_its_unit():
    looking, proposal = proposed()
    assert looking.end(proposal, LATER) is True
    assert (looking.status, proposal.status, proposal.closed_at) == (OVER, CANCELLED, LATER)
    assert looking.end(proposal, LATER) is False  # withdrawn, then closed: freed once


def test_the_end_of_a_match_frees_the_supporter_once_and_a_waiting_one_just_leaves():
    looking, proposal = proposed()
    looking.answer(proposal, "family", True, None, AT)
    looking.answer(proposal, "supporter", True, None, AT)
    assert (looking.end(None, LATER), looking.holds_capacity, looking.end(None, LATER)) == (
        True, False, False)
    waiting = referral("r-2")
    waiting.place(None, "p-2", AT)
    assert (waiting.end(None, LATER), waiting.status) == (False, OVER)


def test_handover_frees_and_a_relapse_takes_the_capacity_again():
    looking, proposal = proposed()
    looking.answer(proposal, "family", True, None, AT)
    looking.answer(proposal, "supporter", True, None, AT)
    assert (looking.hand_over(), looking.hand_over()) == (True, False)
    looking.reopen()
    assert looking.holds_capacity is True
    looking.end(None, LATER)
    looking.reopen()  # a relapse after the end takes nothing
    assert looking.holds_capacity is False


def test_an_end_before_the_profile_is_remembered_as_over():
    unseen = MatchingReferral.ended_unseen("r-9", AT)
    assert (unseen.status, unseen.programme) == (OVER, None)
    with pytest.raises(NotAllowed, match="over"):
        unseen.record_intake(True, "low", None, ORG)
