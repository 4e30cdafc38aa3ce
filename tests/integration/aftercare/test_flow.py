"""Aftercare on the real broker and database: from the handover to its end, by every route."""
from datetime import timedelta

from nameko.testing.services import entrypoint_hook
from sqlalchemy import func, select

from kring.clock import utcnow
from services.aftercare import handlers
from services.aftercare.models import PlanRow
from tests.support.databases import unit_of_work
from tests.support.events import deliver
from tests.support.integration.aftercare import COORDINATOR, start_plan, withdrawn


def plans_of_case(container, case_id):
    with unit_of_work(container) as uow:
        return uow.session.scalar(select(func.count()).select_from(PlanRow)
                                  .where(PlanRow.case_id == case_id))


def test_a_handover_starts_one_plan_readable_over_http(aftercare, kring_config, emitted, api):
    event, started = start_plan(aftercare, kring_config, emitted, severity="high")
    assert (started["type"], started["referral_id"]) == ("aftercare_started", event.referral_id)
    aftercare_id = started["data"]["aftercare_id"]
    shown = api.get(f"/aftercare/{aftercare_id}", COORDINATOR)
    assert shown.status_code == 200, shown.text
    plan = shown.json()
    assert (plan["status"], plan["severity"], plan["case_id"]) == (
        "active", "high", event.data["case_id"])
    assert plan["ends_on"] == started["data"]["ends_on"] == plan["contacts"][-1]["due_on"]
    assert plan["receiving_party"] == {"kind": "municipality", "name": "Gemeente Utrecht"}
    assert len(plan["contacts"]) == 13
    assert not any(c["overdue"] or c["done_on"] for c in plan["contacts"])

    deliver(aftercare, kring_config["AMQP_URI"], event)  # the same event delivered again
    assert plans_of_case(aftercare, event.data["case_id"]) == 1
    # and it was not announced twice: the next event out is the one after it
    api.post(f"/aftercare/{aftercare_id}/complete", COORDINATOR, json={})
    assert emitted.next()["type"] == "aftercare_completed"


def test_contacts_are_logged_then_aftercare_completes(aftercare, kring_config, emitted, api):
    event, started = start_plan(aftercare, kring_config, emitted, severity="medium")
    plan_path = f"/aftercare/{started['data']['aftercare_id']}"
    today = utcnow().date().isoformat()
    logged = api.post(f"{plan_path}/contacts", COORDINATOR,
                      json={"date": today, "notes": "phoned the mother; going well"})
    assert logged.status_code == 201, logged.text
    first = logged.json()["contacts"][0]
    assert (first["done_on"], first["notes"]) == (today, "phoned the mother; going well")
    assert [c["done_on"] for c in logged.json()["contacts"][1:]] == [None, None]

    completed = api.post(f"{plan_path}/complete", COORDINATOR, json={"notes": "stable"})
    assert completed.status_code == 200, completed.text
    assert (completed.json()["status"], completed.json()["end_notes"]) == ("completed", "stable")
    message = emitted.next()
    assert (message["type"], message["referral_id"], message["data"]) == (
        "aftercare_completed", event.referral_id,
        {"aftercare_id": started["data"]["aftercare_id"]})

    assert api.post(f"{plan_path}/complete", COORDINATOR, json={}).status_code == 409
    again = api.post(f"{plan_path}/contacts", COORDINATOR, json={"date": today, "notes": "x"})
    assert again.status_code == 409
    assert api.post(f"{plan_path}/relapse", COORDINATOR,
                    json={"notes": "x"}).status_code == 409


def test_a_relapse_is_reported_to_casework(aftercare, kring_config, emitted, api):
    event, started = start_plan(aftercare, kring_config, emitted, severity="low")
    plan_path = f"/aftercare/{started['data']['aftercare_id']}"
    relapse = api.post(f"{plan_path}/relapse", COORDINATOR,
                       json={"notes": "the old worries are back"})
    assert relapse.status_code == 200, relapse.text
    assert relapse.json()["status"] == "relapsed"
    message = emitted.next()
    assert (message["type"], message["referral_id"]) == ("relapse_reported", event.referral_id)
    assert message["data"] == {"aftercare_id": started["data"]["aftercare_id"],
                               "case_id": event.data["case_id"]}
    assert api.post(f"{plan_path}/relapse", COORDINATOR,
                    json={"notes": "again"}).status_code == 409
    assert api.post(f"{plan_path}/complete", COORDINATOR, json={}).status_code == 409


def test_a_withdrawn_referral_ends_its_aftercare(aftercare, kring_config, emitted, api):
    event, started = start_plan(aftercare, kring_config, emitted)
    deliver(aftercare, kring_config["AMQP_URI"], withdrawn(event.referral_id))
    plan_path = f"/aftercare/{started['data']['aftercare_id']}"
    assert api.get(plan_path, COORDINATOR).json()["status"] == "withdrawn"
    for step, body in (("relapse", {"notes": "x"}), ("complete", {}),
                       ("contacts", {"date": utcnow().date().isoformat(), "notes": "x"})):
        refused = api.post(f"{plan_path}/{step}", COORDINATOR, json=body)
        assert refused.status_code == 409, (step, refused.text)
    # nothing is due of a withdrawn plan, however late it gets
    later = utcnow().date() + timedelta(days=400)
    assert handlers.mark_overdue_contacts(unit_of_work(aftercare), later) == 0


def test_overdue_contacts_are_marked_once(aftercare, kring_config, emitted, api):
    _, started = start_plan(aftercare, kring_config, emitted, severity="high")
    plan_path = f"/aftercare/{started['data']['aftercare_id']}"
    with entrypoint_hook(aftercare, "mark_overdue") as timer_tick:  # the timer, on today's date
        timer_tick()
    assert not any(c["overdue"] for c in api.get(plan_path, COORDINATOR).json()["contacts"])
    # six weeks on: the contacts of weeks 2 and 4 are past their grace, week 6 is not yet
    six_weeks_on = utcnow().date() + timedelta(weeks=6)
    assert handlers.mark_overdue_contacts(unit_of_work(aftercare), six_weeks_on) == 2
    assert handlers.mark_overdue_contacts(unit_of_work(aftercare), six_weeks_on) == 0
    flags = [c["overdue"] for c in api.get(plan_path, COORDINATOR).json()["contacts"]]
    assert flags == [True, True] + [False] * 11
