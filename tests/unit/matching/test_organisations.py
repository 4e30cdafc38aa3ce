"""Many organisations in one matching service: each keeps its own supporters, and only the
organisation a referral is routed to holds its intake, sees and answers its proposals and
proposes its people to it. Outside its reach an organisation gets exactly an unknown id's 404
(kring/contracts/access.py)."""
import pytest
from sqlalchemy import select

from kring.contracts.events import make_event
from kring.errors import NotAllowed, NotFound
from services.matching import handlers
from services.matching.models import SupporterRow
from tests.support.unit.matching import (AT, ORG, OTHER_ORG, answer, get_proposal, get_supporter,
                                         intake, list_supporters, old_proposal, old_referral,
                                         old_supporter, outbox_tuples, received, referred,
                                         register, update_supporter)


def refused(call):
    """The message of the 404 `call` raises."""
    with pytest.raises(NotFound) as raised:
        call()
    return raised.value.message


def made_for(uow):
    return [(rid, data["supporter_id"]) for kind, rid, data in outbox_tuples(uow)
            if kind == "proposal_made"]


def test_two_organisations_each_see_and_change_only_their_own_supporters(uow):
    ours, theirs = register(uow, "Anna"), register(uow, "Bram", org=OTHER_ORG)
    assert [s["name"] for s in list_supporters(uow)] == ["Anna"]
    assert [s["name"] for s in list_supporters(uow, OTHER_ORG)] == ["Bram"]
    assert get_supporter(uow, ours)["organisation"] == ORG
    assert refused(lambda: get_supporter(uow, theirs)) == f"no supporter {theirs}"
    assert refused(lambda: update_supporter(uow, theirs, {"capacity": 5})) == \
        f"no supporter {theirs}"
    assert refused(lambda: get_supporter(uow, "s-x")) == "no supporter s-x"  # the same words
    assert get_supporter(uow, theirs, OTHER_ORG)["capacity"] == 1  # unchanged
    assert update_supporter(uow, theirs, {"capacity": 2}, OTHER_ORG)["capacity"] == 2


def test_only_the_routed_organisation_holds_the_intake(uow):
    register(uow)
    handlers.receive_referral(uow, received("r-1"), AT)
    assert refused(lambda: intake(uow, "r-1", org=OTHER_ORG)) == "no referral r-1"
    assert refused(lambda: intake(uow, "r-unknown", org=OTHER_ORG)) == "no referral r-unknown"
    assert outbox_tuples(uow) == []  # nothing recorded, nothing proposed
    assert intake(uow, "r-1")["status"] == "matching"
    assert outbox_tuples(uow)[0][2]["coordinator_org"] == ORG


def test_another_organisation_neither_sees_nor_answers_a_proposal(uow):
    register(uow)
    proposal_id = referred(uow)["proposal_id"]
    for call in (lambda: get_proposal(uow, proposal_id, OTHER_ORG),
                 lambda: answer(uow, proposal_id, "family", False, OTHER_ORG)):
        assert refused(call) == f"no proposal {proposal_id}"
    assert refused(lambda: get_proposal(uow, "p-x", OTHER_ORG)) == "no proposal p-x"
    shown = get_proposal(uow, proposal_id)
    assert (shown["status"], shown["answers"]) == ("open", {})


def test_a_referral_from_before_routing_is_coordinated_by_whoever_holds_its_intake(uow):
    register(uow, "Bram", org=OTHER_ORG, capacity=2)
    handlers.receive_referral(uow, received("r-1", coordinating_org=None), AT)
    proposal_id = intake(uow, "r-1", org=OTHER_ORG)["proposal_id"]
    assert outbox_tuples(uow)[0][2]["coordinator_org"] == OTHER_ORG
    assert refused(lambda: intake(uow, "r-1")) == "no referral r-1"  # the route is taken
    assert refused(lambda: get_proposal(uow, proposal_id)) == f"no proposal {proposal_id}"
    answer(uow, proposal_id, "family", True, OTHER_ORG)
    answer(uow, proposal_id, "supporter", True, OTHER_ORG)
    assert outbox_tuples(uow)[-1][:2] == ("match_made", "r-1")
    assert outbox_tuples(uow)[-1][2]["coordinator_org"] == OTHER_ORG


def test_a_referral_from_before_routing_takes_the_route_the_directory_gives_it_later(uow):
    handlers.receive_referral(uow, received("r-1", coordinating_org=None), AT)
    handlers.react(uow, make_event("referral", "referral_routed", "r-1", coordinating_org=ORG,
                                   municipality_code="GM0344"), AT)
    assert refused(lambda: intake(uow, "r-1", org=OTHER_ORG)) == "no referral r-1"
    assert intake(uow, "r-1")["status"] in ("matching", "waitlisted")


def test_a_referral_that_ended_before_its_profile_came_is_nobody_elses(uow):
    handlers.end_referral(uow, make_event("referral", "referral_withdrawn", "r-1",
                                          by_role="referrer"), AT)
    # no route yet: not a referral from before routing, so nobody may claim its intake
    assert refused(lambda: intake(uow, "r-1", org=OTHER_ORG)) == "no referral r-1"
    handlers.receive_referral(uow, received("r-1"), AT)  # the profile, late, with the route
    assert refused(lambda: intake(uow, "r-1", org=OTHER_ORG)) == "no referral r-1"
    with pytest.raises(NotAllowed, match="over"):  # its own coordinator hears why not
        intake(uow, "r-1")


def test_matching_never_proposes_another_organisations_supporter(uow):
    # theirs fits best on every count; ours are the only ones that may be proposed
    theirs = register(uow, "Bram", org=OTHER_ORG, capacity=5, languages=["nl", "tr"],
                      expertise=["parenting"])
    assert referred(uow, "r-1")["status"] == "waitlisted"
    update_supporter(uow, theirs, {"capacity": 6}, OTHER_ORG)  # a re-match: still not theirs
    assert handlers.rematch_waiting_list(uow, AT) == []
    first = register(uow, "Anna")  # ours: the waiting family gets her
    second = register(uow, "Carla")
    assert made_for(uow) == [("r-1", first)]
    proposal_id = outbox_tuples(uow)[-1][2]["proposal_id"]
    next_id = answer(uow, proposal_id, "family", False)["next_proposal_id"]
    assert get_proposal(uow, next_id)["supporter_id"] == second
    answer(uow, next_id, "supporter", False)  # nobody of ours left: the family waits
    assert made_for(uow) == [("r-1", first), ("r-1", second)]
    assert outbox_tuples(uow)[-1][0] == "referral_waitlisted"
    assert referred(uow, "r-2", OTHER_ORG)["status"] == "matching"  # theirs, for their family
    assert made_for(uow)[-1] == ("r-2", theirs)


def test_a_successful_call_on_a_referral_is_audited_in_its_own_transaction(uow):
    register(uow)  # supporters hold no family data: not audited
    proposal_id = referred(uow)["proposal_id"]
    get_proposal(uow, proposal_id)
    answer(uow, proposal_id, "family", True)
    with uow:
        rows = uow.session.execute(select(uow.audit_table)).mappings().all()
    person = f"coordinator-of-{ORG}"
    assert [(r["operation"], r["referral_id"], r["target_id"], r["person"], r["organisation"],
             r["role"], r["answer"]) for r in rows] == [
        ("recordIntake", "r-1", None, person, ORG, "coordinator", 201),
        ("getProposal", "r-1", proposal_id, person, ORG, "coordinator", 200),
        ("respondToProposal", "r-1", proposal_id, person, ORG, "coordinator", 200)]


# --- supporters registered before supporters belonged to an organisation -------------------

def organisations(uow):
    with uow:
        found = uow.session.execute(select(SupporterRow.id, SupporterRow.organisation))
        return dict(found.all())


def test_a_supporter_from_before_organisations_gets_the_one_it_worked_for(uow):
    with uow:
        uow.session.add_all([
            *(old_supporter(supporter_id, position) for position, supporter_id in
              enumerate(("matched", "proposed", "both", "idle"), 1)),
            old_referral("r-1", ORG, supporter_id="matched"),
            old_referral("r-2", ORG), old_proposal("p-1", "r-2", "proposed"),
            old_referral("r-3", OTHER_ORG),
            old_proposal("p-2", "r-3", "both"),  # proposed for two organisations: unknown
            old_proposal("p-3", "r-1", "both")])
    assert handlers.settle_supporter_organisations(uow) == {"matched": ORG, "proposed": ORG}
    assert organisations(uow) == {"matched": ORG, "proposed": ORG, "both": None, "idle": None}
    assert handlers.settle_supporter_organisations(uow) == {}  # a second start: nothing
    assert [s["supporter_id"] for s in list_supporters(uow)] == ["matched", "proposed"]
    # one without an organisation reaches nobody: no list, no look, no proposal
    assert list_supporters(uow, OTHER_ORG) == []
    assert refused(lambda: get_supporter(uow, "idle")) == "no supporter idle"
    assert referred(uow, "r-4", OTHER_ORG)["status"] == "waitlisted"


def test_settling_leaves_supporters_with_an_organisation_alone(uow):
    ours = register(uow)
    with uow:
        uow.session.add(old_referral("r-1", OTHER_ORG, supporter_id=ours))
    assert handlers.settle_supporter_organisations(uow) == {}
    assert organisations(uow) == {ours: ORG}
