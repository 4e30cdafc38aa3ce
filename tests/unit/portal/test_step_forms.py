"""The case's and the aftercare's forms as API bodies (services/portal/forms.py): several forms
on one page, each its fields named `<form>.<body path>`, and the API's 422 errors back at them."""
import pytest
from werkzeug.datastructures import MultiDict

from services.portal.api import Answer
from services.portal.forms import (GENERAL, figure_body, goal_paths, handover_body,
                                   member_paths, members_body, plan_body, plan_errors,
                                   step_body, step_errors, typed)
from services.portal.steps import Step, named_step, refusal, step_page
from services.portal.words import message, words


def test_a_steps_fields_become_its_body_numbers_and_yes_or_no_as_such():
    form = MultiDict({"visit.date": "2026-11-30", "visit.hours": "2,5", "visit.notes": "  ",
                      "concern.immediate": "yes", "other.hours": "9"})
    assert step_body("visit", form, texts=("date", "notes"), numbers=("hours",)) == {
        "date": "2026-11-30", "hours": 2.5}
    assert step_body("concern", form, flags=("immediate",)) == {"immediate": True}
    assert step_body("concern", MultiDict(), flags=("immediate",)) == {}  # the API says so
    # what is not a number goes as typed, for the API to say it is not
    assert step_body("visit", MultiDict({"visit.hours": "veel"}), numbers=("hours",)) == {
        "hours": "veel"}


def test_the_plans_goal_rows_up_to_the_last_one_typed_and_its_members_ticked():
    form = MultiDict({
        "plan.goals.0.life_domain": "parenting", "plan.goals.0.goal": "Rust",
        "plan.goals.0.for": "adult", "plan.goals.0.members.m1": "yes",
        "plan.goals.1.life_domain": "", "plan.goals.1.goal": "", "plan.goals.1.for": "",
        "plan.goals.2.goal": "Naar school", "plan.goals.2.for": "child",
        "plan.goals.3.life_domain": "", "plan.goals.3.goal": "", "plan.goals.3.for": "adult",
        "plan.risk_factors": "schulden\n\n weinig netwerk ", "plan.intensity": "light"})
    assert plan_body(form) == {
        "goals": [{"life_domain": "parenting", "goal": "Rust", "for": "adult",
                   "members": ["m1"]},
                  {"goal": "Naar school", "for": "child", "members": []}],
        "risk_factors": ["schulden", "weinig netwerk"], "protective_factors": [],
        "intensity": "light"}
    assert "goals.3.life_domain" in goal_paths(form) and len(goal_paths(form)) == 12
    # the API's word on the second goal sent is at the third row of the form, where it came from
    errors = {"goals": {1: {"life_domain": ["Missing data for required field."]}}}
    fields = {f"plan.{path}" for path in goal_paths(form)}
    assert step_errors("plan", plan_errors(form, errors), fields) == {
        "plan.goals.2.life_domain": ["Missing data for required field."]}


def test_the_handover_names_the_figures_ticked_to_stay():
    form = MultiDict({"handover.receiving_party.kind": "municipality",
                      "handover.receiving_party.name": "Wijkteam", "handover.summary": "rustig",
                      "handover.staying.f1": "yes", "handover.staying.f2": "no"})
    assert handover_body(form) == {"receiving_party": {"kind": "municipality",
                                                       "name": "Wijkteam"},
                                   "summary": "rustig", "support_figures_staying": ["f1"]}
    assert handover_body(MultiDict())["support_figures_staying"] == []


def test_the_apis_errors_land_at_the_forms_own_fields():
    fields = {"handover.receiving_party", "handover.receiving_party.name", "handover.summary"}
    errors = {"receiving_party": {"name": ["Missing data for required field."]},
              "support_figures_staying": ["Not a valid list."], "_schema": ["odd"]}
    assert step_errors("handover", errors, fields) == {
        "handover.receiving_party.name": ["Missing data for required field."],
        GENERAL: ["Not a valid list.", "odd"]}
    assert typed(MultiDict({"visit.hours": "3", "csrf": "x", "visitor": "y"}), "visit") == {
        "visit.hours": "3"}


def test_the_apis_refusal_of_a_step_is_said_in_dutch_by_the_status_in_its_way():
    assert message("cannot log a visit: the case is closing", "nl") == \
        "Dat kan nu niet. Status van het traject: wordt afgesloten."
    assert message("cannot log a contact: aftercare is completed", "nl") == \
        "Dat kan nu niet. Status van de nazorg: afgerond."
    assert message("cannot log a visit: the case is closing", "en") == \
        "cannot log a visit: the case is closing"


def test_the_familys_members_keep_their_ids_and_a_row_emptied_is_a_member_gone():
    form = MultiDict({
        "members.members.0.member_id": "m1", "members.members.0.role": "parent",
        "members.members.0.age_band": "18+", "members.members.0.first_name": " Ayse ",
        "members.members.0.languages": "nl, tr",
        "members.members.1.member_id": "m2", "members.members.1.role": "",
        "members.members.1.age_band": "4-11", "members.members.1.first_name": "",
        "members.members.2.member_id": "", "members.members.2.role": "child",
        "members.members.2.age_band": "0-3", "members.members.3.role": ""})
    assert members_body(form) == {"members": [
        {"member_id": "m1", "role": "parent", "age_band": "18+", "first_name": "Ayse",
         "languages": ["nl", "tr"]},
        {"role": "child", "age_band": "0-3", "languages": []}]}
    assert "members.2.age_band" in member_paths(form)


def test_a_support_figure_is_sent_with_its_functions_and_consent_as_ticked():
    form = MultiDict({"figure.name": "Oma Ans", "figure.relation": "oma",
                      "figure.formal": "no", "figure.functions.practical": "yes",
                      "figure.functions.emotional": "yes", "figure.named_by": ""})
    assert figure_body(form) == {"name": "Oma Ans", "relation": "oma", "formal": False,
                                 "functions": ["practical", "emotional"], "decides": False,
                                 "consent": False}


# every refusal the API gives for the forms of a case, an aftercare and a referral that is not
# marshmallow's own (services/casework, services/aftercare, services/referral and
# services/matching raise them), as an example of each
REFUSALS = (
    "cannot record a support figure: set the plan first",
    "cannot change a support figure: the case is closing",
    "cannot hand the case over (close it first): the case is open",
    "cannot close the case: an immediate safety concern is not resolved yet",
    "the plan still refers to member(s) m1, m2: change the plan first",
    "this safety concern is already resolved",
    "cannot report a relapse: aftercare is completed",
    "the referral is already closed (withdrawn)",
    "the proposal is accepted, no longer open",
    "the family has already answered this proposal",
    "a referrer withdraws as referrer or family, not coordinator",
    "must not be in the future", "must not be before 2026-09-01",
    "must be more than 0 and at most 12", "give a level, visits_per_week or hours_per_week",
    "one of goals_met, moved", "one of municipality, local_partner",
    "a plan needs at least one goal", "name the life domain (leefgebied)", "describe the goal",
    "must be one of adult, child", "a factor must be a non-empty text",
    "name the support figure", "a support figure has at least one function",
    "each of emotional, practical, informative at most once",
    "say whether the support figure is formal (true/false)",
    "a support figure is recorded only with their consent", "no member m9 in the family",
    "unknown member(s): m9", "each member_id once",
    "must be one of the support figures who stay involved", "unknown figure(s): f9",
    "Must be one of: high, regular, light.", "Longer than maximum length 2000.",
    "Must be greater than or equal to 0 and less than or equal to 7.", "Not a valid number.",
    "Missing data for required field.", "Not a valid date.", "Not a valid boolean.",
)


@pytest.mark.parametrize("text", REFUSALS)
def test_every_refusal_of_a_step_is_said_in_dutch_and_as_the_api_says_it_in_english(text):
    assert message(text, "nl") != text
    assert message(text, "en") == text


def test_a_support_figures_own_form_sends_its_fields_as_the_form_that_adds_one():
    form = MultiDict({"figure-f1.name": "Oma Ans", "figure-f1.relation": "oma",
                      "figure-f1.formal": "yes", "figure-f1.functions.emotional": "yes",
                      "figure-f1.consent": "yes", "figure.name": "someone else"})
    assert figure_body(form, "figure-f1") == {
        "name": "Oma Ans", "relation": "oma", "formal": True, "functions": ["emotional"],
        "decides": False, "consent": True}


class Visit:
    """As much of services/portal/visit.py's Visit as a step's answer uses."""

    def __init__(self, refused=None):
        self.said_refused = refused
        self.say = words("en")

    def refused(self, operation_id=None):
        return self.said_refused

    def error_page(self, status):
        return f"error {status}"


def test_an_address_no_form_has_is_not_found_after_the_guard():
    steps = (Step("visit", "logVisit", lambda form: {}),)
    assert named_step(Visit(), steps, "visit", lambda step: step.operation_id) == "logVisit"
    assert named_step(Visit(), steps, "nonsense", lambda step: "sent") == "error 404"
    assert named_step(Visit("sign in"), steps, "nonsense", lambda step: "sent") == "sign in"
    assert step_page(Visit(), "getCase", lambda visit, case_id: case_id, "c1") == "c1"
    assert step_page(Visit("sign in"), "getCase", lambda visit, case_id: case_id, "c1") == \
        "sign in"


@pytest.mark.parametrize("status, body, said", [
    (409, {"message": "cannot log a visit: the case is closing"},
     "cannot log a visit: the case is closing"),
    (409, {}, "That cannot be done now"),
    (410, {"message": "the referral's data was erased"},
     "That can no longer be done: the family's data was erased."),
    (503, {"message": "the broker is unreachable"}, "Kring cannot be reached just now. "
     "Nothing was lost; try again shortly."),
])
def test_a_refusal_that_names_no_field_is_said_above_the_form(status, body, said):
    assert refusal(Visit(), Answer(status, body), "visit", ()) == {GENERAL: [said]}
