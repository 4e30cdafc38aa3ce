"""The plan's state machine: every step from every status, allowed or refused."""
from datetime import date

import pytest

from kring.errors import Invalid, NotAllowed
from services.aftercare.domain import (ACTIVE, COMPLETED, RELAPSED, STATUSES, WITHDRAWN,
                                       AftercarePlan)
from services.aftercare.events import AftercareCompleted, AftercareStarted, RelapseReported

START = date(2026, 1, 5)
TODAY = date(2026, 3, 1)


def plan_in(status, severity="medium"):
    plan = AftercarePlan.start("a-1", "r-1", "c-1", severity, "municipality", "Utrecht", START,
                               "home-start-oost")
    if status == COMPLETED:
        plan.complete(None)
    elif status == RELAPSED:
        plan.report_relapse("slid back")
    elif status == WITHDRAWN:
        plan.withdraw()
    plan.events.clear()
    return plan


STEPS = {
    "log_contact": lambda plan: plan.log_contact(date(2026, 2, 1), "call", TODAY),
    "report_relapse": lambda plan: plan.report_relapse("slid back"),
    "complete": lambda plan: plan.complete("went well"),
    "restart": lambda plan: plan.restart("high", "local_partner", "Buurtteam", TODAY),
}
# status -> the steps it allows; every other (status, step) pair is refused with a 409
ALLOWED = {ACTIVE: {"log_contact", "report_relapse", "complete"},
           COMPLETED: set(), WITHDRAWN: set(), RELAPSED: {"restart"}}
AFTER = {"log_contact": ACTIVE, "report_relapse": RELAPSED, "complete": COMPLETED,
         "restart": ACTIVE}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("step", STEPS)
def test_each_step_from_each_status(status, step):
    plan = plan_in(status)
    if step in ALLOWED[status]:
        STEPS[step](plan)
        assert plan.status == AFTER[step]
    else:
        with pytest.raises(NotAllowed):
            STEPS[step](plan)
        assert plan.status == status and plan.events == []


@pytest.mark.parametrize("status,after", [(ACTIVE, WITHDRAWN), (RELAPSED, WITHDRAWN),
                                          (COMPLETED, COMPLETED), (WITHDRAWN, WITHDRAWN)])
def test_withdrawal_ends_a_running_plan_and_leaves_a_finished_one(status, after):
    plan = plan_in(status)
    plan.withdraw()
    assert plan.status == after and plan.events == []


def test_complete_emits_completed_with_its_notes():
    plan = plan_in(ACTIVE)
    plan.complete("last contact went well")
    assert (plan.status, plan.end_notes) == (COMPLETED, "last contact went well")
    assert plan.events == [AftercareCompleted()]


def test_a_contact_fulfils_the_earliest_open_one_then_extras_are_added():
    plan = plan_in(ACTIVE)  # medium: due 5 Feb, 5 Mar, 5 Apr
    for day in (1, 2, 3):
        plan.log_contact(date(2026, 2, day), f"call {day}", TODAY)
    plan.log_contact(date(2026, 2, 4), "one more", TODAY)
    done = [(c.number, c.due_on, c.done_on, c.notes) for c in plan.contacts]
    assert done == [(1, date(2026, 2, 5), date(2026, 2, 1), "call 1"),
                    (2, date(2026, 3, 5), date(2026, 2, 2), "call 2"),
                    (3, date(2026, 4, 5), date(2026, 2, 3), "call 3"),
                    (4, None, date(2026, 2, 4), "one more")]
    assert plan.status == ACTIVE and plan.events == []


def test_a_contact_dated_tomorrow_is_taken_for_the_time_zone_s_sake():
    plan = plan_in(ACTIVE)
    plan.log_contact(date(2026, 3, 2), "just after midnight in Utrecht", TODAY)
    assert plan.contacts[0].done_on == date(2026, 3, 2)


@pytest.mark.parametrize("day,field_error", [(date(2026, 3, 3), "future"),
                                             (date(2026, 1, 4), "before")])
def test_a_contact_outside_the_plan_s_time_is_invalid(day, field_error):
    plan = plan_in(ACTIVE)
    with pytest.raises(Invalid) as refused:
        plan.log_contact(day, "call", TODAY)
    assert field_error in refused.value.errors["date"][0]
    assert all(c.done_on is None for c in plan.contacts)


def test_relapse_stops_the_contacts_and_tells_casework():
    plan = plan_in(ACTIVE)
    plan.report_relapse("the old worries are back")
    assert (plan.status, plan.end_notes) == (RELAPSED, "the old worries are back")
    assert plan.events == [RelapseReported()]
    # that none of its contacts comes due any more: test_overdue, on the timer's own rule


def test_a_handover_after_a_relapse_starts_a_new_round_keeping_what_was_done():
    plan = plan_in(ACTIVE)  # medium from 5 Jan
    plan.log_contact(date(2026, 2, 5), "fine", TODAY)
    plan.report_relapse("slid back")
    plan.events.clear()
    plan.restart("low", "local_partner", "Buurtteam Oost", date(2026, 6, 1))
    assert (plan.status, plan.severity, plan.receiving_name, plan.end_notes) == (
        ACTIVE, "low", "Buurtteam Oost", None)
    assert [(c.number, c.due_on, c.done_on) for c in plan.contacts] == [
        (1, date(2026, 2, 5), date(2026, 2, 5)), (4, date(2026, 7, 13), None)]
    assert (plan.started_on, plan.ends_on) == (date(2026, 6, 1), date(2026, 7, 13))
    assert plan.events == [AftercareStarted(date(2026, 7, 13))]


def test_a_plan_learns_its_coordinating_organisation_once():
    """A plan stored before plans knew it takes it from a later handover of its case; a case's
    coordinating organisation never changes, so one that is known stays."""
    plan = plan_in(ACTIVE)
    plan.learn_coordinator(None)
    plan.learn_coordinator("buurtgezin-west")
    assert plan.coordinator_org == "home-start-oost"
    plan.coordinator_org = None  # as a plan stored before reads
    plan.learn_coordinator(None)
    assert plan.coordinator_org is None
    plan.learn_coordinator("home-start-oost")
    assert plan.coordinator_org == "home-start-oost"
