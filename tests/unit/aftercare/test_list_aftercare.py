"""listAftercare: the active aftercare of the caller's organisation with a contact still to
make, the earliest due first, the overdue flag as getAftercare shows it; each one listed is in
its audit trail; another organisation's is not there."""
from dataclasses import replace
from datetime import date, datetime, timezone

from kring.contracts.events import make_event
from services.aftercare import handlers
from services.aftercare.models import Plans
from tests.support.databases import audit_records
from tests.support.unit.access import call, caller

ORG, OTHER_ORG = "home-start-oost", "home-start-west"


def handed_over(uow, referral_id, day, org=ORG):
    """Aftercare of `referral_id` starts on 2026-01-`day`: its id."""
    event = make_event("casework", "case_handed_over", referral_id, case_id=f"c-{referral_id}",
                       supporter_id="s-1", receiving_kind="municipality",
                       receiving_name="Gemeente Utrecht", severity="high",
                       coordinator_org=org, programme="home-start")
    at = datetime(2026, 1, day, 9, 30, tzinfo=timezone.utc)
    uow.inbox_key = "on_casework"
    handlers.react(uow, replace(event, occurred_at=at.isoformat()), at)
    with uow:
        return Plans(uow).by_case(f"c-{referral_id}").aftercare_id


def listed(uow, org=ORG, limit=100):
    found, cursor = [], None
    while True:
        page = call(uow, handlers.list_aftercare, caller("listAftercare", org, "coordinator"),
                    {"limit": limit, "cursor": cursor})
        found.extend(page["aftercare"])
        cursor = page["next_cursor"]
        if cursor is None:
            return found


def test_the_earliest_contact_due_first_with_the_overdue_flag_of_getaftercare(uow):
    later = handed_over(uow, "r-1", 12)  # every two weeks (high): first due 26 January
    sooner = handed_over(uow, "r-2", 5)  # 19 January, then 2 February
    done = handed_over(uow, "r-3", 10)
    theirs = handed_over(uow, "r-x", 6, org=OTHER_ORG)
    coordinator = caller("logAftercareContact", ORG, "coordinator")
    first = call(uow, handlers.get_aftercare, caller("getAftercare", ORG, "coordinator"),
                 sooner)["contacts"][0]["due_on"]
    # the sooner plan's first contact is done: its next one comes after the later plan's first
    call(uow, handlers.log_contact, coordinator, sooner, date.fromisoformat(first), "called",
         date.fromisoformat(first))
    call(uow, handlers.complete_aftercare, caller("completeAftercare", ORG, "coordinator"),
         done, None)
    with uow:
        Plans(uow).mark_overdue(date(2026, 6, 1))
    before = len(audit_records(uow))

    rows = listed(uow, limit=1)
    assert [row["aftercare_id"] for row in rows] == [later, sooner]
    for row in rows:
        shown = call(uow, handlers.get_aftercare, caller("getAftercare", ORG, "coordinator"),
                     row["aftercare_id"])
        open_contacts = [c for c in shown["contacts"] if c["due_on"] and not c["done_on"]]
        assert row["next_contact_on"] == open_contacts[0]["due_on"]
        assert row["overdue"] == any(c["overdue"] for c in open_contacts) is True
    records = audit_records(uow)[before:before + 2]
    assert [(r["operation"], r["referral_id"]) for r in records] == [
        ("listAftercare", "r-1"), ("listAftercare", "r-2")]
    assert [row["aftercare_id"] for row in listed(uow, OTHER_ORG)] == [theirs]
