"""listCases over the public API (docs/contract.md §4): a coordinator lists the open and closing
cases routed to its organisation, those with a safety concern not resolved first, and filters by
status; a supporter lists its own while it takes part; another organisation's coordinator sees
none, a referrer or an admin may not ask (403); each case listed is in its audit trail."""
import uuid

import pytest

from kring.contracts.events import make_event
from tests.support.api import token
from tests.support.databases import audit_records, unit_of_work
from tests.support.events import deliver
from tests.support.integration.casework import (COORDINATOR, ORG, OTHER_COORDINATOR,
                                                OTHER_SUPPORTER, SUPPORTER, SUPPORTER_ID)

CONCERN = {"description": "a threat by an ex-partner", "immediate": True}
CLOSE = {"evaluation": "the parents manage", "goals_met": True}
HANDOVER = {"receiving_party": {"kind": "municipality", "name": "Gemeente Utrecht"},
            "summary": "what the municipality needs to know"}


def opened(casework, config, emitted, supporter_id=SUPPORTER_ID):
    """A case of a new match with `supporter_id`: its case_id."""
    event = make_event("matching", "match_made", str(uuid.uuid4()),
                       proposal_id=str(uuid.uuid4()), supporter_id=supporter_id,
                       supporter_kind="volunteer", severity="medium", coordinator_org=ORG,
                       programme="home-start")
    deliver(casework, config["AMQP_URI"], event)
    return emitted.next()["data"]["case_id"]


def listed(api, who, limit=100, **query):
    found, cursor = [], None
    while True:
        answer = api.get("/cases", who, params={"limit": limit, **query,
                                                **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        found += [row["case_id"] for row in answer.json()["cases"]]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found


def test_the_coordinators_cases_safety_first_and_a_supporters_own(casework, api, emitted,
                                                                  kring_config):
    first, second, third = (opened(casework, kring_config, emitted) for _ in range(3))
    colleagues = opened(casework, kring_config, emitted, supporter_id="s-2")
    concern = api.post(f"/cases/{third}/safety-concerns", COORDINATOR, json=CONCERN)
    assert concern.status_code == 201, concern.text
    closed = api.post(f"/cases/{second}/close", COORDINATOR, json=CLOSE)
    assert closed.status_code == 200, closed.text

    assert listed(api, COORDINATOR, limit=1) == [third, first, second, colleagues]
    shown = api.get("/cases", COORDINATOR, params={"status": "open"}).json()["cases"]
    assert [row["case_id"] for row in shown] == [third, first, colleagues]
    assert (shown[0]["open_safety_concern"], shown[0]["immediate_safety_concern"]) == (
        True, True)
    assert listed(api, COORDINATOR, status="closing") == [second]
    assert listed(api, SUPPORTER) == [third, first, second]
    assert listed(api, OTHER_SUPPORTER) == [colleagues]

    handed = api.post(f"/cases/{second}/handover", COORDINATOR, json=HANDOVER)
    assert handed.status_code == 200, handed.text
    assert listed(api, SUPPORTER) == [third, first]  # handed over: no longer hers
    assert listed(api, COORDINATOR) == [third, first, colleagues]

    assert listed(api, OTHER_COORDINATOR) == []
    assert listed(api, token("buurtgezin-west", "supporter", subject=SUPPORTER_ID)) == []
    for who in (token("huisarts-oost", "referrer"), token(ORG, "admin")):
        refused = api.get("/cases", who)
        assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")


def test_each_case_listed_is_in_its_audit_trail(casework, api, emitted, kring_config):
    case_id = opened(casework, kring_config, emitted)
    referral_id = api.get(f"/cases/{case_id}", COORDINATOR).json()["referral_id"]
    assert listed(api, SUPPORTER) == [case_id]
    records = [(r["operation"], r["referral_id"], r["role"])
               for r in audit_records(unit_of_work(casework))]
    assert ("listCases", referral_id, "supporter") in records


@pytest.mark.parametrize("query", [{"limit": "0"}, {"cursor": "nonsense!"},
                                   {"status": "handed_over"}])
def test_a_query_out_of_bounds_is_refused(casework, api, query):
    answer = api.get("/cases", COORDINATOR, params=query)
    assert answer.status_code == 422, answer.text
    assert set(answer.json()["errors"]) == set(query)
