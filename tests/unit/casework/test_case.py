"""The case's state machine: every step from every status, allowed or refused (409)."""
from datetime import date

import pytest

from kring.errors import NotAllowed
from services.casework.domain import CLOSING, HANDED_OVER, OPEN, STATUSES, WITHDRAWN, Case
from services.casework.events import (CaseClosed, CaseHandedOver, CaseReopened, CaseStarted,
                                      SafetyConcernRecorded)
from services.casework.views import view
from tests.support.unit.casework import (AT, BY_SUPPORTER, OPENED_AT, TODAY, case_in, new_case,
                                         plan)

STEPS = {
    "set_plan": lambda case: case.set_plan(plan(), BY_SUPPORTER, AT),
    "log_visit": lambda case: case.log_visit("v-1", TODAY, 4, "went well", BY_SUPPORTER, AT,
                                             TODAY),
    "record_safety_concern": lambda case: case.record_safety_concern(
        "x-1", "shouting heard", False, BY_SUPPORTER, AT),
    "close": lambda case: case.close("the parents manage", True, AT),
    "hand_over": lambda case: case.hand_over("local_partner", "Buurtteam Oost", "summary", AT),
    "withdraw": lambda case: case.withdraw(AT),
    "reopen": lambda case: case.reopen(AT),
}
# (status, step) -> the status after it; a pair not listed is refused with NotAllowed
ALLOWED = {
    (OPEN, "set_plan"): OPEN,
    (OPEN, "log_visit"): OPEN,
    (OPEN, "record_safety_concern"): OPEN,
    (OPEN, "close"): CLOSING,
    (OPEN, "withdraw"): WITHDRAWN,
    (CLOSING, "record_safety_concern"): CLOSING,
    (CLOSING, "hand_over"): HANDED_OVER,
    (CLOSING, "withdraw"): WITHDRAWN,
    (HANDED_OVER, "withdraw"): WITHDRAWN,
    (HANDED_OVER, "reopen"): OPEN,
}
EVERY_PAIR = [(status, step) for status in STATUSES for step in STEPS]


@pytest.mark.parametrize("status,step", [pair for pair in EVERY_PAIR if pair in ALLOWED])
def test_allowed_steps(status, step):
    case = case_in(status)
    STEPS[step](case)
    assert case.status == ALLOWED[(status, step)]


@pytest.mark.parametrize("status,step", [pair for pair in EVERY_PAIR if pair not in ALLOWED])
def test_refused_steps_change_nothing(status, step):
    case = case_in(status)
    before = (case.plan, case.evaluation, case.handover, list(case.visits),
              list(case.concerns))
    with pytest.raises(NotAllowed):
        STEPS[step](case)
    assert case.status == status
    assert (case.plan, case.evaluation, case.handover, case.visits, case.concerns) == before
    assert case.events == []


def test_opening_announces_the_start():
    case = Case.open("c-1", "r-1", "s-1", "professional", "high", "org", OPENED_AT)
    assert (case.status, case.events) == (OPEN, [CaseStarted()])


def test_each_milestone_is_announced():
    case = case_in(OPEN)
    case.record_safety_concern("x-1", "a worry", False, BY_SUPPORTER, AT)
    case.close("stable now", False, AT)
    case.hand_over("local_partner", "Buurtteam Oost", "what they need to know", AT)
    case.reopen(AT)
    assert case.events == [SafetyConcernRecorded(False), CaseClosed(False),
                           CaseHandedOver("local_partner", "Buurtteam Oost"), CaseReopened()]


def test_closing_keeps_the_evaluation_and_the_handover_its_receiver():
    case = case_in(CLOSING)
    assert case.evaluation == {"text": "the parents manage", "goals_met": True, "at": AT,
                               "reason": None}
    case.hand_over("municipality", "Gemeente Utrecht", "summary", AT)
    assert case.handover == {"receiving_kind": "municipality",
                             "receiving_name": "Gemeente Utrecht", "summary": "summary",
                             "at": AT, "support_figures": []}


def test_a_reopened_case_has_the_same_supporter_and_keeps_the_last_round():
    case = case_in(HANDED_OVER)
    evaluation, handover = case.evaluation, case.handover
    case.reopen("2026-04-01T08:00:00.000000Z")
    assert (case.status, case.supporter_id, case.evaluation, case.handover) == (
        OPEN, "s-1", None, None)
    assert case.past_rounds == [{"evaluation": evaluation, "handover": handover,
                                 "reopened_at": "2026-04-01T08:00:00.000000Z"}]
    STEPS["log_visit"](case)  # visits go on
    case.close("second time round", True, AT)
    case.hand_over("municipality", "Gemeente Utrecht", "again", AT)
    assert case.status == HANDED_OVER and len(case.past_rounds) == 1


def test_a_withdrawn_case_cannot_be_reopened_by_a_relapse():
    case = case_in(HANDED_OVER)
    case.withdraw(AT)
    with pytest.raises(NotAllowed):
        case.reopen(AT)
    assert case.withdrawn_at == AT


@pytest.mark.parametrize("status,takes_part", [(OPEN, True), (CLOSING, True),
                                               (HANDED_OVER, False), (WITHDRAWN, False)])
def test_the_supporter_takes_part_until_the_handover(status, takes_part):
    """Through the evaluation, not after: who reaches a case is the rule table's say."""
    assert case_in(status).supporter_takes_part is takes_part


@pytest.mark.parametrize("today,past", [
    (date(2027, 7, 5), False),  # opened 5 January 2026: Home-Start's 18 months end this day
    (date(2027, 7, 6), True),
])
def test_a_case_says_when_it_runs_past_the_programmes_maximum_duration(today, past):
    case = new_case()
    assert case.past_expected_duration(today, 18) is past
    assert view(case, today)["past_expected_duration"] is past  # home-start by default


def test_the_maximum_is_the_programmes_own():
    case = Case.open("c-1", "r-1", "s-1", "professional", "medium", "jeugdteam", OPENED_AT,
                     programme="family-trajectory")  # at most 12 months
    assert view(case, date(2027, 1, 6))["past_expected_duration"] is True
    assert view(case, date(2027, 1, 5))["past_expected_duration"] is False
    assert view(case, date(2027, 1, 6))["programme"] == "family-trajectory"


@pytest.mark.parametrize("status", [HANDED_OVER, WITHDRAWN])
def test_a_case_no_longer_supported_is_never_past_its_duration(status):
    assert case_in(status).past_expected_duration(date(2030, 1, 1), 18) is False
