"""Two organisations on one matching service, over the public API: each sees only its own
supporters, only the organisation a referral is routed to reaches its intake and proposals, and
every call on a referral lands in the audit table with who, which organisation, which role and
the answer, and nothing of the family."""
import uuid
from collections import Counter

from sqlalchemy import select

from tests.support.api import token
from tests.support.databases import unit_of_work
from tests.support.integration.matching import (COORDINATOR, ORG, OTHER_COORDINATOR, OTHER_ORG,
                                                intake, received, register, respond)
from tests.support.waiting import eventually

ADMIN = token(ORG, "admin")
AUDIT_COLUMNS = {"id", "at", "operation", "referral_id", "target_id", "person",
                 "organisation", "role", "answer", "correlation_id"}  # ids and codes only


def not_found(answer, message):
    """`answer` is exactly the 404 of an unknown id, whose message is `message`."""
    assert (answer.status_code, answer.json()) == (
        404, {"error": "not_found", "message": message}), answer.text
    return True


def test_two_organisations_each_see_only_their_own_supporters(matching, api):
    ours = register(api, "Anna")
    theirs = register(api, "Bram", by=OTHER_COORDINATOR)
    for caller, names in ((COORDINATOR, ["Anna"]), (ADMIN, ["Anna"]),
                          (OTHER_COORDINATOR, ["Bram"])):
        listed = api.get("/supporters", caller).json()["supporters"]
        assert [s["name"] for s in listed] == names
    assert api.get(f"/supporters/{ours}", ADMIN).json()["organisation"] == ORG
    unknown = str(uuid.uuid4())
    for supporter_id in (theirs, unknown):  # someone else's answers as one that does not exist
        message = f"no supporter {supporter_id}"
        not_found(api.get(f"/supporters/{supporter_id}", COORDINATOR), message)
        not_found(api.call("PATCH", f"/supporters/{supporter_id}", ADMIN,
                           json={"capacity": 4}), message)
    shown = api.get(f"/supporters/{theirs}", OTHER_COORDINATOR).json()
    assert (shown["organisation"], shown["capacity"]) == (OTHER_ORG, 1)


def test_another_organisation_gets_404_on_the_intake_and_the_proposals(
        matching, api, deliver, emitted, referral_owners):
    register(api)
    referral_id = deliver(received()).referral_id
    not_found(api.post("/intakes", OTHER_COORDINATOR, json={
        "referral_id": referral_id, "fits": False}), f"no referral {referral_id}")
    not_found(api.post("/intakes", OTHER_COORDINATOR, json={
        "referral_id": "r-unknown", "fits": False}), "no referral r-unknown")
    proposal_id = intake(api, referral_id)["proposal_id"]
    recorded = emitted.next()
    assert (recorded["type"], recorded["data"]["coordinator_org"]) == ("intake_recorded", ORG)
    for proposal in (proposal_id, str(uuid.uuid4())):
        not_found(api.get(f"/proposals/{proposal}", OTHER_COORDINATOR),
                  f"no proposal {proposal}")
        not_found(api.post(f"/proposals/{proposal}/responses", OTHER_COORDINATOR,
                           json={"party": "family", "accept": False}),
                  f"no proposal {proposal}")
    shown = api.get(f"/proposals/{proposal_id}", COORDINATOR).json()
    assert (shown["status"], shown["answers"]) == ("open", {})


def test_matching_never_proposes_another_organisations_supporter(matching, api, deliver,
                                                                 emitted):
    theirs = register(api, "Bram", by=OTHER_COORDINATOR, capacity=3, languages=["nl", "tr"])
    referral_id = deliver(received()).referral_id
    assert intake(api, referral_id)["status"] == "waitlisted"
    assert emitted.types(2) == [("intake_recorded", referral_id),
                                ("referral_waitlisted", referral_id)]
    api.call("PATCH", f"/supporters/{theirs}", OTHER_COORDINATOR, json={"capacity": 4})
    ours = register(api, "Anna")  # a re-match of the waiting list: ours, never theirs
    made = emitted.next()
    assert (made["type"], made["data"]["supporter_id"]) == ("proposal_made", ours)
    answer = respond(api, made["data"]["proposal_id"], "family", False)
    assert answer["next_proposal_id"] is None  # after a no: nobody of ours left, so it waits
    assert emitted.types(2) == [("proposal_declined", referral_id),
                                ("referral_waitlisted", referral_id)]


def test_every_call_on_a_referral_is_in_the_audit_table_without_family_data(matching, api,
                                                                             deliver, emitted):
    register(api)  # supporters: no family data, so not audited
    referral_id = deliver(received()).referral_id
    others = api.post("/intakes", OTHER_COORDINATOR,
                      json={"referral_id": referral_id, "fits": True, "severity": "low"})
    assert others.status_code == 404
    proposal_id = intake(api, referral_id)["proposal_id"]
    unknown = str(uuid.uuid4())
    for caller, path, status in ((COORDINATOR, proposal_id, 200),
                                 (OTHER_COORDINATOR, proposal_id, 404),
                                 (COORDINATOR, unknown, 404)):
        assert api.get(f"/proposals/{path}", caller).status_code == status
    respond(api, proposal_id, "family", True)
    respond(api, proposal_id, "supporter", True, status=404, by=OTHER_COORDINATOR)
    ours, theirs = (f"coordinator-of-{org}" for org in (ORG, OTHER_ORG))
    expected = [
        ("recordIntake", referral_id, None, theirs, OTHER_ORG, 404),
        ("recordIntake", referral_id, None, ours, ORG, 201),
        ("getProposal", referral_id, proposal_id, ours, ORG, 200),
        ("getProposal", referral_id, proposal_id, theirs, OTHER_ORG, 404),
        ("getProposal", None, unknown, ours, ORG, 404),
        ("respondToProposal", referral_id, proposal_id, ours, ORG, 200),
        ("respondToProposal", referral_id, proposal_id, theirs, OTHER_ORG, 404)]
    uow = unit_of_work(matching)

    def every_record():
        with uow:
            found = uow.session.execute(select(uow.audit_table)).mappings().all()
        return found if len(found) >= len(expected) else None

    # a refused call is recorded just after its answer went out (kring.kit.db), so the records
    # of calls close together may land in either order
    rows = eventually(every_record, what="a record of every call")
    assert Counter((r["operation"], r["referral_id"], r["target_id"], r["person"],
                    r["organisation"], r["role"], r["answer"]) for r in rows) == Counter(
        (operation, referral, target, person, org, "coordinator", answer)
        for operation, referral, target, person, org, answer in expected)
    family = received().data
    told = (family["family_key"], family["municipality"], family["referrer_email"],
            "intake held", "first meeting", *family["domains"])
    for row in rows:
        assert set(row.keys()) == AUDIT_COLUMNS
        assert not [value for value in row.values() if any(text in str(value) for text in told)]
