"""The coordinators' use cases on a real (SQLite) database: events out, capacity counted."""
import pytest
from sqlalchemy.exc import IntegrityError

from kring.errors import NotAllowed, NotFound
from services.matching import handlers
from services.matching.models import ProposalRow
from tests.support.unit.matching import (AT, answer, get_proposal, get_supporter, intake,
                                         outbox_tuples, received, referred, register,
                                         update_supporter)


def types(uow):
    return [kind for kind, _, _ in outbox_tuples(uow)]


def test_an_intake_needs_the_referral_and_happens_once(uow):
    with pytest.raises(NotFound):
        intake(uow, "r-unknown")
    register(uow)
    referred(uow)
    with pytest.raises(NotAllowed, match="already"):
        intake(uow)


def test_a_fitting_intake_proposes_the_best_supporter(uow):
    register(uow, "Anna")
    best = register(uow, "Bram", languages=["nl", "tr"], expertise=["parenting"])
    shown = referred(uow)
    assert shown["status"] == "matching"
    (_, _, recorded), (kind, referral_id, made) = outbox_tuples(uow)
    # the intake's reason and the proposal's reasons are words about the family: not sent
    assert recorded == {"fits": True, "severity": "medium", "coordinator_org": "home-start-oost"}
    assert (kind, referral_id, made) == (
        "proposal_made", "r-1", {"proposal_id": shown["proposal_id"], "supporter_id": best})
    view = get_proposal(uow, shown["proposal_id"])
    assert (view["supporter_name"], view["status"], view["answers"]) == ("Bram", "open", {})
    assert view["reasons"][:2] == ["expertise: parenting", "speaks tr"]  # matching shows them


def test_an_intake_that_does_not_fit_emits_only_the_intake(uow):
    register(uow)
    handlers.receive_referral(uow, received("r-1"), AT)
    assert intake(uow, fits=False, severity=None) == {
        "referral_id": "r-1", "status": "declined", "proposal_id": None}
    assert outbox_tuples(uow) == [("intake_recorded", "r-1", {
        "fits": False, "severity": None, "coordinator_org": "home-start-oost"})]


def test_an_open_proposal_reserves_the_last_place(uow):
    supporter_id = register(uow, capacity=1)
    assert referred(uow, "r-1")["status"] == "matching"
    assert referred(uow, "r-2")["status"] == "waitlisted"
    shown = get_supporter(uow, supporter_id)
    assert (shown["load"], shown["reserved"], shown["free"]) == (0, 1, 0)
    assert types(uow)[-1] == "referral_waitlisted"


def test_both_yes_makes_the_match_and_takes_the_capacity(uow):
    supporter_id = register(uow, capacity=2, kind="professional")
    proposal_id = referred(uow)["proposal_id"]
    first = answer(uow, proposal_id, "supporter", True)
    assert (first["status"], types(uow)[-1]) == ("open", "proposal_made")
    with pytest.raises(NotAllowed, match="already answered"):
        answer(uow, proposal_id, "supporter", False)
    assert answer(uow, proposal_id, "family", True)["status"] == "accepted"
    assert outbox_tuples(uow)[-1] == ("match_made", "r-1", {
        "proposal_id": proposal_id, "supporter_id": supporter_id,
        "supporter_kind": "professional", "severity": "medium",
        "coordinator_org": "home-start-oost", "programme": "home-start"})
    shown = get_supporter(uow, supporter_id)
    assert (shown["load"], shown["reserved"], shown["free"]) == (1, 0, 1)
    with pytest.raises(NotAllowed, match="accepted, no longer open"):
        answer(uow, proposal_id, "family", False)


def test_a_no_proposes_the_next_candidate_and_never_the_same_again(uow):
    first = register(uow, "Anna", expertise=["parenting"])
    second = register(uow, "Bram")
    proposal_id = referred(uow)["proposal_id"]
    shown = answer(uow, proposal_id, "family", False)
    assert (shown["status"], shown["supporter_id"]) == ("declined", first)
    assert types(uow)[-2:] == ["proposal_declined", "proposal_made"]
    assert outbox_tuples(uow)[-1][2]["supporter_id"] == second
    assert get_proposal(uow, shown["next_proposal_id"])["supporter_id"] == second
    again = answer(uow, shown["next_proposal_id"], "supporter", False)
    assert again["next_proposal_id"] is None and types(uow)[-1] == "referral_waitlisted"
    assert get_supporter(uow, first)["reserved"] == 0


def test_a_no_frees_the_place_for_the_oldest_waiting_family(uow):
    register(uow, capacity=1)
    proposal_id = referred(uow, "r-1")["proposal_id"]
    referred(uow, "r-2")
    referred(uow, "r-3")
    answer(uow, proposal_id, "family", False)
    made = [(kind, rid) for kind, rid, _ in outbox_tuples(uow)][-3:]
    assert made == [("proposal_declined", "r-1"), ("referral_waitlisted", "r-1"),
                    ("proposal_made", "r-2")]


def test_unknown_ids_are_404(uow):
    for call in (lambda: get_proposal(uow, "p-x"),
                 lambda: answer(uow, "p-x", "family", True),
                 lambda: get_supporter(uow, "s-x"),
                 lambda: update_supporter(uow, "s-x", {"capacity": 3})):
        with pytest.raises(NotFound):
            call()


def test_the_database_refuses_a_second_open_proposal_for_a_referral(uow):
    register(uow, capacity=3)
    proposal_id = referred(uow)["proposal_id"]
    with pytest.raises(IntegrityError):
        with uow:
            row = uow.session.get(ProposalRow, proposal_id)
            uow.session.add(ProposalRow(**{c.name: getattr(row, c.name) for c in
                                           ProposalRow.__table__.columns} | {"id": "p-2"}))
            uow.session.flush()
