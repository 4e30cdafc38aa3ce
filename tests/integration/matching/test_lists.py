"""The coordinator's lists of matching over the public API (docs/contract.md §4): the open
proposals (listProposals) and the waiting list (listWaitingList) of the organisation the
referrals are routed to, a page at a time; another organisation's coordinator sees none of
them, a referrer or a supporter may not ask (403); and listSupporters pages by cursor."""
import pytest

from kring.kit.audit import trail
from tests.support.api import token
from tests.support.databases import unit_of_work
from tests.support.integration.matching import (COORDINATOR, ORG, OTHER_COORDINATOR, REFERRER,
                                                intake, received, register, respond)

ADMIN = token(ORG, "admin")
SUPPORTER = token(ORG, "supporter", subject="anna")


def pages(api, path, who, rows, limit):
    found, cursor = [], None
    while True:
        answer = api.get(path, who, params={"limit": limit, **({"cursor": cursor}
                                                               if cursor else {})})
        assert answer.status_code == 200, answer.text
        assert len(answer.json()[rows]) <= limit
        found += answer.json()[rows]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return found


def test_open_proposals_and_the_waiting_list_of_the_routed_organisation(matching, api,
                                                                          deliver):
    register(api, "Anna", capacity=2)
    proposed = [deliver(received()).referral_id for _ in range(2)]
    proposals = [intake(api, referral_id)["proposal_id"] for referral_id in proposed]
    waiting = [deliver(received()).referral_id for _ in range(3)]
    for referral_id in waiting:
        assert intake(api, referral_id, severity="high")["status"] == "waitlisted"
    respond(api, proposals[1], "family", True)

    rows = pages(api, "/proposals", COORDINATOR, "proposals", 1)
    assert sorted(row["proposal_id"] for row in rows) == sorted(proposals)
    by_id = {row["proposal_id"]: row for row in rows}
    assert by_id[proposals[0]]["waiting_for"] == ["family", "supporter"]
    assert by_id[proposals[1]]["waiting_for"] == ["supporter"]
    assert {row["supporter_name"] for row in rows} == {"Anna"}

    listed = pages(api, "/waiting-list", COORDINATOR, "referrals", 2)
    assert [row["referral_id"] for row in listed] == waiting  # the longest waiting first
    assert {row["severity"] for row in listed} == {"high"}
    uow = unit_of_work(matching)
    for referral_id in waiting:  # each one listed is in its audit trail
        with uow:
            assert "listWaitingList" in [entry["operation"] for entry in trail(
                uow.session, uow.audit_table, referral_id, "matching")]

    for path, rows in (("/proposals", "proposals"), ("/waiting-list", "referrals")):
        assert api.get(path, OTHER_COORDINATOR).json() == {rows: [], "next_cursor": None}
        for who in (REFERRER, SUPPORTER, ADMIN):
            refused = api.get(path, who)
            assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"cursor": "nonsense!"}])
def test_a_query_out_of_bounds_is_refused(matching, api, query):
    for path in ("/proposals", "/waiting-list", "/supporters"):
        answer = api.get(path, COORDINATOR, params=query)
        assert answer.status_code == 422, answer.text
        assert set(answer.json()["errors"]) == set(query)


def test_supporters_page_by_cursor(matching, api):
    made = [register(api, f"S{n}") for n in range(5)]
    register(api, "Bram", by=OTHER_COORDINATOR)
    listed = pages(api, "/supporters", ADMIN, "supporters", 2)
    assert [row["supporter_id"] for row in listed] == made
    assert [row["name"] for row in api.get("/supporters", OTHER_COORDINATOR).json()[
        "supporters"]] == ["Bram"]
