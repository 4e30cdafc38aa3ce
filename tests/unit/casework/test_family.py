"""The family of a case (services/casework/family.py): members with no more than the work
needs, goals for members, support figures only with their consent, and the figures who stay
involved after the handover."""
import json
from itertools import count

import pytest

from kring.errors import Invalid, NotAllowed, NotFound
from services.casework.domain import CLOSING, HANDED_OVER, OPEN
from services.casework.events import CaseHandedOver
from tests.support.unit.casework import AT, BY_COORDINATOR, BY_SUPPORTER, case_in, plan

MOTHER = {"member_id": "mother", "role": "parent", "age_band": "18+", "languages": ["nl", "ar"],
          "first_name": "S."}
DAUGHTER = {"role": "child", "age_band": "4-11", "languages": ["nl"], "first_name": None}
GRANDFATHER = {"name": "Opa Kees", "relation": "grandfather", "formal": False,
               "functions": ["emotional", "informative"], "decides": True, "consent": True,
               "named_by": "mother"}


def ids(prefix="id"):
    numbers = count(1)
    return lambda: f"{prefix}-{next(numbers)}"


def family_case():
    """An open case with the mother and a daughter, and a plan with a goal for the mother."""
    case = case_in(OPEN)
    case.set_members([MOTHER, DAUGHTER], ids("m"))
    case.set_plan(plan(goals=[{"life_domain": "parenting", "goal": "calm bedtimes",
                               "for": "adult", "members": ["mother"]}], support_figures=[]),
                  BY_SUPPORTER, AT)
    return case


def test_members_keep_their_ids_and_new_ones_get_one():
    case = family_case()
    assert [m["member_id"] for m in case.members] == ["mother", "m-1"]
    assert case.members[1] == {**DAUGHTER, "member_id": "m-1"}
    case.set_members([MOTHER, {**DAUGHTER, "member_id": "m-1", "age_band": "12-17"}], ids())
    assert [m["age_band"] for m in case.members] == ["18+", "12-17"]


def test_a_member_id_is_given_once():
    with pytest.raises(Invalid) as refused:
        case_in(OPEN).set_members([MOTHER, {**DAUGHTER, "member_id": "mother"}], ids())
    assert refused.value.errors == {"members": ["each member_id once"]}


def test_a_member_a_goal_concerns_cannot_leave_before_the_plan_changes():
    case = family_case()
    with pytest.raises(NotAllowed, match="mother"):
        case.set_members([DAUGHTER], ids())
    assert len(case.members) == 2


def test_a_goal_for_an_unknown_member_is_refused():
    case = family_case()
    with pytest.raises(Invalid) as refused:
        case.set_plan(plan(goals=[{"life_domain": "school", "goal": "to school",
                                   "for": "child", "members": ["m-1", "cousin"]}]),
                      BY_SUPPORTER, AT)
    assert refused.value.errors == {"goals": {0: {"members": ["unknown member(s): cousin"]}}}


def test_a_support_figure_is_recorded_with_consent_and_the_member_who_named_them():
    case = family_case()
    added = case.add_support_figure(GRANDFATHER, "f-1")
    assert added == {**GRANDFATHER, "figure_id": "f-1"}
    assert case.plan["support_figures"] == [added]
    for wrong, field in (({"consent": False}, "consent"), ({"consent": None}, "consent"),
                         ({"named_by": "uncle"}, "named_by"), ({"functions": []}, "functions")):
        with pytest.raises(Invalid) as refused:
            case.add_support_figure({**GRANDFATHER, **wrong}, "f-2")
        assert list(refused.value.errors) == [field]
    assert len(case.plan["support_figures"]) == 1


def test_a_member_may_name_more_than_one_figure_and_each_can_change_and_go():
    case = family_case()
    case.add_support_figure(GRANDFATHER, "f-1")
    case.add_support_figure({**GRANDFATHER, "name": "Buurvrouw Ria", "relation": "neighbour",
                             "functions": ["practical"], "decides": False}, "f-2")
    case.update_support_figure("f-1", {**GRANDFATHER, "functions": ["emotional"]})
    assert [f["functions"] for f in case.plan["support_figures"]] == [["emotional"],
                                                                      ["practical"]]
    case.remove_support_figure("f-1")
    assert [f["name"] for f in case.plan["support_figures"]] == ["Buurvrouw Ria"]
    with pytest.raises(NotFound):
        case.remove_support_figure("f-1")
    with pytest.raises(NotAllowed, match="mother"):  # she named Ria
        case.set_members([DAUGHTER], ids())


def test_a_figure_needs_a_plan_and_an_open_case():
    with pytest.raises(NotAllowed, match="set the plan first"):
        case_in(OPEN).add_support_figure(GRANDFATHER, "f-1")
    with pytest.raises(NotAllowed):
        case_in(CLOSING).add_support_figure(GRANDFATHER, "f-1")


def test_a_plan_that_leaves_its_figures_out_keeps_them_one_that_names_them_keeps_their_ids():
    case = family_case()
    case.add_support_figure(GRANDFATHER, "f-1")
    case.set_plan(plan(support_figures=None), BY_COORDINATOR, AT)
    assert [f["figure_id"] for f in case.plan["support_figures"]] == ["f-1"]
    case.set_plan(plan(support_figures=[{**GRANDFATHER, "figure_id": "f-1"},
                                        {**GRANDFATHER, "figure_id": "made-up"}]),
                  BY_COORDINATOR, AT, ids("new"))
    assert [f["figure_id"] for f in case.plan["support_figures"]] == ["f-1", "new-1"]


def closing_with_figures():
    case = family_case()
    case.add_support_figure(GRANDFATHER, "f-1")
    case.add_support_figure({**GRANDFATHER, "name": "Juf Anna", "relation": "teacher",
                             "formal": True, "functions": ["informative"]}, "f-2")
    case.close("the parents manage", True, AT)
    case.events.clear()
    return case


def test_the_handover_names_the_figures_who_stay_by_name_and_function_only():
    case = closing_with_figures()
    case.hand_over("municipality", "Gemeente Utrecht", "summary", AT, staying=["f-1"])
    staying = [{"figure_id": "f-1", "name": "Opa Kees", "functions": ["emotional",
                                                                       "informative"]}]
    assert case.handover["support_figures"] == staying
    assert case.events == [CaseHandedOver("municipality", "Gemeente Utrecht", tuple(staying))]


def test_without_a_choice_every_figure_stays_and_an_unknown_one_is_refused():
    case = closing_with_figures()
    with pytest.raises(Invalid):
        case.hand_over("municipality", "Gemeente Utrecht", "summary", AT, staying=["f-9"])
    assert case.status == CLOSING
    case.hand_over("municipality", "Gemeente Utrecht", "summary", AT)
    assert [f["name"] for f in case.handover["support_figures"]] == ["Opa Kees", "Juf Anna"]
    assert case.status == HANDED_OVER


def test_erasure_leaves_member_ids_and_roles_and_no_name():
    case = closing_with_figures()
    case.hand_over("municipality", "Gemeente Utrecht", "summary", AT)
    case.erase(AT)
    left = json.dumps([case.members, case.plan, case.handover])
    assert [text for text in ("Opa Kees", "Juf Anna", "S.", "grandfather", '"ar"')
            if text in left] == []
    assert [(m["member_id"], m["role"]) for m in case.members] == [("mother", "parent"),
                                                                   ("m-1", "child")]
    assert [f["functions"] for f in case.handover["support_figures"]] == [
        ["emotional", "informative"], ["informative"]]
