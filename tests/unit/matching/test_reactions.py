"""Other services' events on a real (SQLite) database: capacity freed and taken, once each."""
import pytest

from kring.contracts.events import make_event
from kring.errors import NotAllowed
from services.matching import handlers
from services.matching.models import SupporterRow
from tests.support.unit.matching import (AT, answer, get_proposal, get_supporter, intake,
                                         matched, outbox_tuples, received, referred, register,
                                         update_supporter)


def withdrawn(referral_id="r-1"):
    return make_event("referral", "referral_withdrawn", referral_id, by_role="family")


def closed(referral_id="r-1", outcome="withdrawn"):
    return make_event("referral", "referral_closed", referral_id, outcome=outcome)


def handed_over(supporter_id, referral_id="r-1"):
    return make_event("casework", "case_handed_over", referral_id, case_id="c-1",
                      supporter_id=supporter_id, receiving_kind="municipality",
                      receiving_name="Gemeente Utrecht", severity="medium")


def end(uow, event):
    handlers.react(uow, event, AT)


def usage(uow, supporter_id):
    shown = get_supporter(uow, supporter_id)
    return shown["load"], shown["reserved"]


def made_for(uow):
    return [rid for kind, rid, _ in outbox_tuples(uow) if kind == "proposal_made"]


def test_a_redelivered_profile_is_stored_once(uow):
    event = received()
    handlers.react(uow, event, AT)
    handlers.react(uow, event, AT)
    handlers.react(uow, received(municipality="Zeist"), AT)  # resent
    register(uow)
    assert intake(uow)["status"] == "matching"  # still Utrecht: the first profile stands


def test_a_withdrawal_cancels_the_proposal_and_the_place_goes_to_the_oldest_waiting(uow):
    supporter_id = register(uow, capacity=1)
    proposal_id = referred(uow, "r-1")["proposal_id"]
    referred(uow, "r-2")
    referred(uow, "r-3")
    end(uow, withdrawn("r-1"))
    assert get_proposal(uow, proposal_id)["status"] == "cancelled"
    assert made_for(uow) == ["r-1", "r-2"]
    assert usage(uow, supporter_id) == (0, 1)
    with pytest.raises(NotAllowed, match="no longer open"):
        answer(uow, proposal_id, "family", True)


def test_the_end_of_a_match_frees_the_supporter_once(uow):
    supporter_id = register(uow, capacity=1)
    matched(uow, referred(uow, "r-1")["proposal_id"])
    referred(uow, "r-2")
    event = withdrawn("r-1")
    for again in (event, event, closed("r-1")):  # redelivered, then the referral closes
        end(uow, again)
    assert usage(uow, supporter_id) == (0, 1)  # r-2 was proposed, and only r-2
    assert made_for(uow) == ["r-1", "r-2"]


def test_a_waiting_referral_that_ends_leaves_the_waiting_list(uow):
    register(uow, capacity=1)
    first = referred(uow, "r-1")["proposal_id"]
    referred(uow, "r-2")
    end(uow, withdrawn("r-2"))
    answer(uow, first, "family", False)
    assert made_for(uow) == ["r-1"]


def test_an_end_before_the_profile_keeps_the_referral_from_matching(uow):
    register(uow)
    end(uow, withdrawn("r-1"))
    handlers.react(uow, received("r-1"), AT)
    with pytest.raises(NotAllowed, match="over"):
        intake(uow)


def test_a_handover_frees_the_supporter_and_a_relapse_takes_the_place_again(uow):
    supporter_id = register(uow, capacity=1)
    matched(uow, referred(uow, "r-1")["proposal_id"])
    handed_over_first = handed_over(supporter_id)
    handlers.react(uow, handed_over_first, AT)
    assert usage(uow, supporter_id) == (0, 0)
    reopened = make_event("casework", "case_reopened", "r-1", case_id="c-1",
                          supporter_id=supporter_id)
    handlers.react(uow, reopened, AT)
    assert usage(uow, supporter_id) == (1, 0)
    handlers.react(uow, handed_over_first, AT)  # redelivered: no effect
    assert usage(uow, supporter_id) == (1, 0)
    assert referred(uow, "r-2")["status"] == "waitlisted"
    handlers.react(uow, handed_over(supporter_id), AT)
    assert made_for(uow) == ["r-1", "r-2"]


def test_a_new_supporter_or_more_capacity_serves_the_waiting_list_oldest_first(uow):
    for referral_id in ("r-1", "r-2", "r-3"):
        handlers.react(uow, received(referral_id), AT)
        assert intake(uow, referral_id)["status"] == "waitlisted"
    supporter_id = register(uow, capacity=1)
    assert made_for(uow) == ["r-1"]
    shown = update_supporter(uow, supporter_id, {"capacity": 2})
    assert (shown["capacity"], shown["reserved"], made_for(uow)) == (2, 2, ["r-1", "r-2"])


def test_the_timer_matches_what_changed_behind_its_back(uow):
    supporter_id = register(uow, capacity=0)
    assert referred(uow)["status"] == "waitlisted"
    with uow:  # a capacity changed without a re-match (an operator's fix in the database)
        uow.session.get(SupporterRow, supporter_id).capacity = 1
    assert len(handlers.rematch_waiting_list(uow, AT)) == 1
    assert handlers.rematch_waiting_list(uow, AT) == []  # a second replica: nothing
    assert made_for(uow) == ["r-1"]
