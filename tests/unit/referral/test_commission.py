"""The municipality's commission on the Referral aggregate (docs/contract.md §4 "Commissions"):
waiting after a fitting intake, a yes, a no, and what a withdrawal and an erasure do to it."""
import pytest

from kring.errors import NotAllowed
from services.referral.directory import Route
from services.referral.domain import Referral
from services.referral.events import Closed, Commissioned, StatusChanged
from tests.support.sample import referral_body

ROUTE = Route("gezinstraject-utrecht", "GM0344")


def at(minute):
    return f"2026-11-20T10:{minute:02d}:00.000000Z"


def trajectory(commission_required=True):
    """A family-trajectory referral whose intake fits (events cleared)."""
    referral = Referral.receive("r-1", "huisarts-oost",
                                referral_body(programme="family-trajectory"), at(0), "fk-1",
                                route=ROUTE)
    referral.record_intake(True, None, ROUTE.organisation, at(1), "high", commission_required)
    referral.events.clear()
    return referral


def timeline(referral):
    return [(entry.status, entry.detail) for entry in referral.sorted_timeline()]


def test_a_fitting_intake_of_a_commissioned_programme_waits_for_the_municipality():
    waiting = trajectory()
    assert (waiting.status, waiting.outcome) == ("received", None)
    assert timeline(waiting)[-2:] == [("intake_done", None), ("awaiting_commission", None)]
    commission = waiting.commission
    assert (commission.state, commission.asked_at, commission.severity) == (
        "awaiting", at(1), "high")
    assert waiting.commission_state == "awaiting"


def test_without_the_flag_the_intake_moves_on_to_matching_as_always():
    plain = trajectory(commission_required=False)
    assert plain.status == "matching"
    assert plain.commission is None and "awaiting_commission" not in dict(timeline(plain))


def test_a_yes_starts_matching_and_says_who_decided():
    waiting = trajectory()
    waiting.decide_commission(True, None, "municipality", "GM0344", "m.jansen", at(2))
    assert waiting.status == "matching"
    assert timeline(waiting)[-2:] == [("commissioned", "by municipality of GM0344"),
                                      ("matching", None)]
    assert waiting.events == [Commissioned("GM0344"), StatusChanged("matching")]
    assert (waiting.commission_state, waiting.commission_decided_at) == ("commissioned", at(2))
    assert waiting.commission.decided_by == {"role": "municipality", "organisation": "GM0344",
                                             "person": "m.jansen"}


def test_a_no_closes_the_referral_as_declined_and_keeps_the_reason_here():
    waiting = trajectory()
    waiting.decide_commission(False, "the district team helps", "municipality", "GM0344",
                              "m.jansen", at(2))
    assert (waiting.status, waiting.outcome) == ("closed", "declined")
    assert timeline(waiting)[-2:] == [("not_commissioned", "by municipality of GM0344"),
                                      ("closed", "declined")]
    assert waiting.events == [Closed("declined", "the district team helps")]
    assert (waiting.commission.state, waiting.commission.reason) == (
        "not_commissioned", "the district team helps")


@pytest.mark.parametrize("first", [True, False])
def test_a_second_decision_is_refused(first):
    decided = trajectory()
    decided.decide_commission(first, None if first else "no", "municipality", "GM0344", "m",
                              at(2))
    before = (decided.status, list(decided.timeline), decided.commission)
    with pytest.raises(NotAllowed):
        decided.decide_commission(True, None, "municipality", "GM0344", "m", at(3))
    assert (decided.status, list(decided.timeline), decided.commission) == before


def test_a_referral_that_asked_for_no_commission_takes_no_decision():
    plain = trajectory(commission_required=False)
    with pytest.raises(NotAllowed):
        plain.decide_commission(True, None, "municipality", "GM0344", "m", at(2))
    assert plain.commission is None


def test_a_withdrawal_while_waiting_leaves_nothing_to_decide():
    waiting = trajectory()
    waiting.withdraw("family", "we manage", at(2))
    assert (waiting.status, waiting.outcome, waiting.commission_state) == (
        "closed", "withdrawn", "withdrawn")
    with pytest.raises(NotAllowed):
        waiting.decide_commission(True, None, "municipality", "GM0344", "m", at(3))


def test_an_erasure_keeps_the_decision_and_drops_the_reason():
    declined = trajectory()
    declined.decide_commission(False, "another route", "municipality", "GM0344", "m", at(2))
    declined.erase("admin", "gezinstraject-utrecht", at(3))
    kept = declined.commission
    assert (kept.state, kept.decided_at, kept.reason) == ("not_commissioned", at(2), None)
    assert "another route" not in repr(declined.details)
