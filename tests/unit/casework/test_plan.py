"""The plan of approach (plan van aanpak): the rules every stored plan keeps."""
import pytest

from kring.contracts import casework as contract
from kring.errors import Invalid
from services.casework import domain, plan as rules
from services.casework.domain import OPEN
from tests.support.unit.casework import AT, BY_COORDINATOR, BY_SUPPORTER, case_in, plan


def test_a_full_plan_is_kept_with_who_set_it_and_when():
    case = case_in(OPEN)
    case.set_plan(plan(), BY_SUPPORTER, AT, new_id=lambda: "f-1")
    figure = {**plan()["support_figures"][0], "figure_id": "f-1", "decides": False,
              "named_by": None}
    assert case.plan == {**plan(), "support_figures": [figure], "set_by": "s-1",
                         "set_by_role": "supporter", "set_at": AT}


def test_a_plan_is_replaced_as_intensity_drops_and_rises():
    case = case_in(OPEN)
    for intensity in ("high", "light", "regular"):
        case.set_plan(plan(intensity=intensity), BY_COORDINATOR, AT)
        assert case.plan["intensity"] == intensity


def test_the_minimal_plan():
    rules.check_plan({"goals": [{"life_domain": "finances", "goal": "no new debts",
                                 "for": "adult"}], "intensity": "light"})


@pytest.mark.parametrize("changes,errors", [
    ({"goals": []}, {"goals": ["a plan needs at least one goal"]}),
    ({"goals": [{"life_domain": "", "goal": "x", "for": "adult"}]},
     {"goals": {0: {"life_domain": ["name the life domain (leefgebied)"]}}}),
    ({"goals": [{"life_domain": "school", "goal": " ", "for": "parent"}]},
     {"goals": {0: {"goal": ["describe the goal"], "for": ["must be one of adult, child"]}}}),
    ({"intensity": "extreme"}, {"intensity": ["must be one of high, regular, light"]}),
    ({"risk_factors": ["debts", ""]}, {"risk_factors": ["a factor must be a non-empty text"]}),
    ({"support_figures": [{"name": "Coach", "relation": "coach", "formal": True,
                           "functions": [], "consent": True}]},
     {"support_figures": {0: {"functions": ["a support figure has at least one function"]}}}),
    ({"support_figures": [{"name": "Coach", "relation": "coach", "formal": "yes",
                           "functions": ["practical", "practical"], "consent": True}]},
     {"support_figures": {0: {
         "functions": ["each of emotional, practical, informative at most once"],
         "formal": ["say whether the support figure is formal (true/false)"]}}}),
    ({"support_figures": [{"name": "Coach", "relation": "coach", "formal": True,
                           "functions": ["financial"], "consent": True}]},
     {"support_figures": {0: {
         "functions": ["each of emotional, practical, informative at most once"]}}}),
    # recorded only with the figure's consent
    ({"support_figures": [{"name": "Coach", "relation": "coach", "formal": True,
                           "functions": ["practical"]}]},
     {"support_figures": {0: {
         "consent": ["a support figure is recorded only with their consent"]}}}),
])
def test_plans_that_break_a_rule(changes, errors):
    case = case_in(OPEN)
    case.set_plan(plan(), BY_SUPPORTER, AT)
    with pytest.raises(Invalid) as refused:
        case.set_plan(plan(**changes), BY_SUPPORTER, AT)
    assert refused.value.errors == errors
    assert case.plan["intensity"] == "high"  # the earlier plan stands


def test_the_api_and_the_domain_know_the_same_words():
    assert contract.FOR_WHOM == rules.FOR_WHOM
    assert contract.FUNCTIONS == rules.FUNCTIONS
    assert contract.INTENSITIES == rules.INTENSITIES
    assert contract.RECEIVING_KINDS == domain.RECEIVING_KINDS
    assert contract.CASE_STATUSES == domain.STATUSES
    assert contract.MAX_VISIT_HOURS == domain.MAX_VISIT_HOURS
