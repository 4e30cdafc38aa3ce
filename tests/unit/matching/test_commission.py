"""Matching and the municipality's commission (docs/contract.md §4 "Commissions"): a fitting
intake of a programme that needs one proposes nobody until referral_commissioned; then it
proposes or waits as after any fitting intake. A withdrawal while waiting frees nothing."""
from kring.contracts.events import make_event
from services.matching import handlers
from services.matching.domain import AWAITING, LOOKING, OVER, MatchingReferral
from services.matching.events import IntakeRecorded
from services.matching.models import Referrals
from tests.support.unit.matching import (AT, ORG, get_supporter, intake, outbox_tuples,
                                         profile, received, register)

TRAJECTORY = "family-trajectory"  # its definition says commission_required: true


def commissioned(referral_id="r-1"):
    return make_event("referral", "referral_commissioned", referral_id,
                      municipality_code="GM0344")


def test_an_intake_that_needs_a_commission_waits_for_it():
    waiting = MatchingReferral.receive("r-1", profile(programme=TRAJECTORY), AT)
    waiting.record_intake(True, "high", "fits", ORG, commission_required=True)
    assert waiting.status == AWAITING
    assert waiting.events == [IntakeRecorded(True, "high", "fits", ORG, True)]
    assert waiting.commission() and waiting.status == LOOKING
    assert not waiting.commission()  # a second commission changes nothing


def test_a_withdrawal_while_waiting_frees_nothing():
    waiting = MatchingReferral.receive("r-1", profile(programme=TRAJECTORY), AT)
    waiting.record_intake(True, "high", None, ORG, commission_required=True)
    assert waiting.end(None, AT) is False
    assert waiting.status == OVER and not waiting.commission()


def test_the_intake_says_it_waits_and_proposes_nobody_until_commissioned(uow):
    supporter_id = register(uow, kind="professional", programmes=[TRAJECTORY])
    handlers.receive_referral(uow, received(programme=TRAJECTORY), AT)
    answer = intake(uow)
    assert answer == {"referral_id": "r-1", "status": "awaiting_commission",
                      "proposal_id": None}
    assert outbox_tuples(uow) == [("intake_recorded", "r-1", {
        "fits": True, "severity": "medium", "coordinator_org": ORG,
        "commission_required": True})]
    assert get_supporter(uow, supporter_id)["reserved"] == 0
    handlers.react(uow, commissioned(), AT)
    kinds = [kind for kind, _, _ in outbox_tuples(uow)]
    assert kinds == ["intake_recorded", "proposal_made"]
    assert get_supporter(uow, supporter_id)["reserved"] == 1
    handlers.react(uow, commissioned(), AT)  # redelivered: nothing more
    assert len(outbox_tuples(uow)) == 2


def test_commissioned_without_a_candidate_goes_on_the_waiting_list(uow):
    handlers.receive_referral(uow, received(programme=TRAJECTORY), AT)
    intake(uow)
    handlers.react(uow, commissioned(), AT)
    assert [(kind, data) for kind, _, data in outbox_tuples(uow)][-1] == (
        "referral_waitlisted", {"reason": "no_candidate"})


def test_a_programme_without_the_flag_proposes_at_the_intake_as_always(uow):
    register(uow)
    handlers.receive_referral(uow, received(), AT)
    assert intake(uow)["status"] == "matching"
    assert "commission_required" not in outbox_tuples(uow)[0][2]


def test_a_commission_for_a_referral_that_ended_changes_nothing(uow):
    register(uow, kind="professional", programmes=[TRAJECTORY])
    handlers.receive_referral(uow, received(programme=TRAJECTORY), AT)
    intake(uow)
    handlers.react(uow, make_event("referral", "referral_withdrawn", "r-1", by_role="family"),
                   AT)
    handlers.react(uow, commissioned(), AT)
    with uow:
        assert Referrals(uow).get("r-1").status == OVER
    assert [kind for kind, _, _ in outbox_tuples(uow)] == ["intake_recorded"]
