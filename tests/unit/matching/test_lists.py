"""The coordinator's lists of matching (listProposals, listWaitingList, listSupporters): each
organisation sees only what is routed to it, a page at a time by cursor, the oldest first; the
waiting list is in each listed referral's audit trail, the proposals (no family data) are not."""
from services.matching import handlers
from tests.support.databases import audit_records
from tests.support.unit.matching import (OTHER_ORG, answer, calling, list_supporters, referred,
                                         register)


def listed(uow, operation_id, use_case, org, rows, limit=20):
    """Every row of the list, page by page; and the pages' sizes."""
    found, sizes, cursor = [], [], None
    while True:
        with calling(uow, operation_id, org) as who:
            page = use_case(uow, who, {"limit": limit, "cursor": cursor})
        found.extend(page[rows])
        sizes.append(len(page[rows]))
        cursor = page["next_cursor"]
        if cursor is None:
            return found, sizes


def proposals(uow, org=None, limit=20):
    return listed(uow, "listProposals", handlers.list_proposals, org or "home-start-oost",
                  "proposals", limit)


def waiting(uow, org=None, limit=20):
    return listed(uow, "listWaitingList", handlers.list_waiting_list, org or "home-start-oost",
                  "referrals", limit)


def test_open_proposals_of_the_organisation_say_who_still_has_to_answer(uow):
    register(uow, "Anna", capacity=3)
    register(uow, "Zoë", org=OTHER_ORG)
    made = [referred(uow, f"r-{n}")["proposal_id"] for n in range(3)]
    theirs = referred(uow, "r-x", org=OTHER_ORG)["proposal_id"]
    answer(uow, made[0], "family", True)
    answer(uow, made[2], "supporter", False)  # a no closes it: the next candidate is nobody

    rows, sizes = proposals(uow, limit=1)
    assert sizes == [1, 1]
    # all made at the same moment: the id breaks the tie
    assert [(row["proposal_id"], row["waiting_for"]) for row in rows] == sorted([
        (made[0], ["supporter"]), (made[1], ["family", "supporter"])])
    assert {row["supporter_name"] for row in rows} == {"Anna"}
    assert set(rows[0]) == {"proposal_id", "referral_id", "status", "waiting_for",
                            "supporter_name", "made_at"}  # nothing of the family
    assert [row["proposal_id"] for row in proposals(uow, OTHER_ORG)[0]] == [theirs]


def test_the_waiting_list_is_the_organisations_own_oldest_first_and_audited(uow):
    register(uow, "Anna", capacity=0)  # nobody has room: every family waits
    for n in range(3):
        assert referred(uow, f"r-{n}")["status"] == "waitlisted"
    referred(uow, "r-x", org=OTHER_ORG)
    before = len(audit_records(uow))

    rows, sizes = waiting(uow, limit=2)
    assert sizes == [2, 1]
    assert [(row["referral_id"], row["severity"], row["programme"]) for row in rows] == [
        (f"r-{n}", "medium", "home-start") for n in range(3)]
    assert all(row["since"] for row in rows)
    records = audit_records(uow)[before:]
    assert [(r["operation"], r["referral_id"], r["organisation"]) for r in records] == [
        ("listWaitingList", f"r-{n}", "home-start-oost") for n in range(3)]
    assert [row["referral_id"] for row in waiting(uow, OTHER_ORG)[0]] == ["r-x"]


def test_supporters_page_by_cursor_in_registration_order(uow):
    names = [f"S{n}" for n in range(5)]
    for name in names:
        register(uow, name)
    register(uow, "Zoë", org=OTHER_ORG)
    rows, sizes = listed(uow, "listSupporters",
                         lambda uow, who, query: handlers.list_supporters(uow, who, query),
                         "home-start-oost", "supporters", limit=2)
    assert sizes == [2, 2, 1] and [row["name"] for row in rows] == names
    assert [s["name"] for s in list_supporters(uow, OTHER_ORG)] == ["Zoë"]
