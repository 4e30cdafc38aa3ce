"""listAftercare over the public API (docs/contract.md §4): the coordinator's active aftercare
with contacts to make, the earliest due first, a page at a time; another organisation's
coordinator sees none, the other roles may not ask (403); each one listed is in its audit
trail."""
from tests.support.api import token
from tests.support.databases import audit_records, unit_of_work
from tests.support.integration.aftercare import (COORDINATOR, ORG, OTHER_COORDINATOR,
                                                 start_plan)


def listed(api, who, limit=100):
    found, cursor = [], None
    while True:
        answer = api.get("/aftercare", who, params={"limit": limit,
                                                    **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        found += answer.json()["aftercare"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found


def test_the_coordinators_aftercare_the_earliest_contact_first(aftercare, api, emitted,
                                                                 kring_config):
    # high: a contact every two weeks; low: one after six weeks
    _, slow = start_plan(aftercare, kring_config, emitted, severity="low")
    _, soon = start_plan(aftercare, kring_config, emitted, severity="high")
    _, done = start_plan(aftercare, kring_config, emitted, severity="high")
    _, theirs = start_plan(aftercare, kring_config, emitted, coordinator_org="buurtgezin-west")
    ids = {name: started["data"]["aftercare_id"]
           for name, started in (("slow", slow), ("soon", soon), ("done", done))}
    completed = api.post(f"/aftercare/{ids['done']}/complete", COORDINATOR, json={})
    assert completed.status_code == 200, completed.text

    rows = listed(api, COORDINATOR, limit=1)
    assert [row["aftercare_id"] for row in rows] == [ids["soon"], ids["slow"]]
    plan = api.get(f"/aftercare/{ids['soon']}", COORDINATOR).json()
    assert rows[0]["next_contact_on"] == plan["contacts"][0]["due_on"]
    assert rows[0]["overdue"] is False and rows[0]["ends_on"] == plan["ends_on"]
    records = [(r["operation"], r["referral_id"])
               for r in audit_records(unit_of_work(aftercare))]
    assert ("listAftercare", plan["referral_id"]) in records

    assert [row["aftercare_id"] for row in listed(api, OTHER_COORDINATOR)] == [
        theirs["data"]["aftercare_id"]]
    for who in (token("huisarts-oost", "referrer"), token(ORG, "admin"),
                token(ORG, "supporter", subject="s-1")):
        refused = api.get("/aftercare", who)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
