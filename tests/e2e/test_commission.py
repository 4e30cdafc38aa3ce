"""The municipality's commission end to end (docs/contract.md §4 "Commissions"): five
services, the real broker, an SMTP server of the test's own. A family trajectory waits after
its intake until Utrecht decides; a yes is matched and starts, a no closes as declined with a
closure notice to the referrer; Zeist's officer reaches neither."""
import uuid

import pytest

from tests.support.access import Kring, body_text, person
from tests.support.api import not_ready
from tests.support.sample import referral_body
from tests.support.waiting import eventually

PROGRAMME = "family-trajectory"
PROVIDER = "gezinstraject-utrecht"
OPERATOR = person("kring-platform", "operator")
REFERRER = person("huisarts-oost", "referrer")
COORDINATOR = person(PROVIDER, "coordinator")
UTRECHT = person("GM0344", "municipality", "m.jansen")  # a municipality's org: its CBS code
ZEIST = person("GM0355", "municipality", "z.devries")
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting",
               "j.devries@example.org", "J. de Vries")


@pytest.fixture
def kring(stack_api):
    kring = Kring(stack_api)
    kring.do("registerProvider", OPERATOR, body={
        "organisation": PROVIDER, "name": "Gezinstraject Utrecht", "programme": PROGRAMME,
        "municipalities": ["Utrecht"], "languages": ["nl", "tr"]})
    return kring


def submitted(kring):
    body = referral_body(f"GT-{uuid.uuid4().hex[:8]}", programme=PROGRAMME)
    return kring.do("submitReferral", REFERRER, body=body, expect=(201,))["referral_id"]


def intake(kring, referral_id):
    """The fitting intake, once matching has heard of the referral (409 `not_ready` until
    then)."""
    def attempt():
        response = kring.call("recordIntake", COORDINATOR, body={
            "referral_id": referral_id, "fits": True, "severity": "high",
            "reason": "a trajectory fits"})
        assert response.status_code == 201 or not_ready(response), body_text(response)
        return response.json() if response.status_code == 201 else None
    return eventually(attempt, what=f"the intake of {referral_id}")


def referral(kring, referral_id, check, what):
    return kring.until("getReferral", COORDINATOR, {"referral_id": referral_id}, check, what)


def statuses(shown):
    return [entry["status"] for entry in shown["timeline"]]


def notices(smtp, referral_id, count):
    return eventually(lambda: (lambda found: found if len(found) >= count else None)(
        [m for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]),
        what=f"{count} notice(s) for {referral_id}")


def awaiting(kring, referral_id):
    assert intake(kring, referral_id)["status"] == "awaiting_commission"
    return referral(kring, referral_id, lambda r: "awaiting_commission" in statuses(r),
                    "the referral to wait for its commission")


def test_a_commissioned_family_trajectory_is_matched_and_starts(kring, smtp):
    supporter_id = kring.do("registerSupporter", COORDINATOR, body={
        "name": "Sanne", "kind": "professional", "programmes": [PROGRAMME],
        "languages": ["nl"], "municipalities": ["Utrecht"], "capacity": 1,
        "expertise": ["parenting"]}, expect=(201,))["supporter_id"]
    referral_id = submitted(kring)
    ids = {"referral_id": referral_id}
    shown = awaiting(kring, referral_id)
    assert (shown["status"], shown["proposal_id"]) == ("received", None)
    assert kring.do("getSupporter", COORDINATOR, {"supporter_id": supporter_id})["reserved"] == 0

    listed = kring.do("listCommissionRequests", UTRECHT)
    assert [c["referral_id"] for c in listed["commissions"]] == [referral_id]
    request = kring.call("getCommissionRequest", UTRECHT, ids)
    assert request.status_code == 200, body_text(request)
    assert (request.json()["severity"], request.json()["coordinating_org"]) == (
        "high", PROVIDER)
    for secret in FAMILY_DATA:
        assert secret not in request.text, f"{secret!r} shown to the municipality"
    for operation_id, body in (("getCommissionRequest", None),
                               ("decideCommission", {"commissioned": True})):
        elsewhere = kring.call(operation_id, ZEIST, ids, body)
        assert elsewhere.status_code == 404, body_text(elsewhere)
    assert kring.do("listCommissionRequests", ZEIST)["total"] == 0

    kring.do("decideCommission", UTRECHT, ids, {"commissioned": True})
    again = kring.call("decideCommission", UTRECHT, ids, {"commissioned": True})
    assert again.status_code == 409, body_text(again)
    proposed = referral(kring, referral_id, lambda r: r["proposal_id"], "a proposal")
    timeline = statuses(proposed)
    assert timeline.index("intake_done") < timeline.index("awaiting_commission") < \
        timeline.index("commissioned") < timeline.index("proposal_made")
    assert [e["detail"] for e in proposed["timeline"] if e["status"] == "commissioned"] == [
        "by municipality of GM0344"]
    proposal = {"proposal_id": proposed["proposal_id"]}
    assert kring.do("getProposal", COORDINATOR, proposal)["supporter_id"] == supporter_id
    for party in ("family", "supporter"):
        kring.do("respondToProposal", COORDINATOR, proposal,
                 {"party": party, "accept": True, "reason": "a good first meeting"})
    started = referral(kring, referral_id, lambda r: r["status"] == "in_progress",
                       "the trajectory to start")
    assert started["case_id"] and "matched" in statuses(started)
    (start,) = notices(smtp, referral_id, 1)
    assert start["X-Kring-Notice"] == "start"
    decided = kring.do("listCommissionRequests", UTRECHT, query={"state": "decided"})
    assert [(c["referral_id"], c["state"]) for c in decided["commissions"]] == [
        (referral_id, "commissioned")]


def test_a_trajectory_the_municipality_declines_closes_with_a_closure_notice(kring, smtp):
    referral_id = submitted(kring)
    ids = {"referral_id": referral_id}
    awaiting(kring, referral_id)
    kring.do("decideCommission", UTRECHT, ids,
             {"commissioned": False, "reason": "the district team takes this on"})
    closed = referral(kring, referral_id, lambda r: r["status"] == "closed", "the closure")
    assert closed["outcome"] == "declined"
    assert statuses(closed)[-2:] == ["not_commissioned", "closed"]
    (closure,) = notices(smtp, referral_id, 1)
    assert closure["X-Kring-Notice"] == "closure"
    assert closure["To"] == "j.devries@example.org"
    assert "district team" not in closure.as_string()
    # the reason stayed in the referral service: the export has it there and nowhere else
    admin = person(PROVIDER, "admin")
    exported = kring.do("exportReferral", admin, ids)["services"]
    assert exported["referral"]["referral"]["commission"]["reason"] == \
        "the district team takes this on"
    assert all("district team" not in repr(part) for service, part in exported.items()
               if service != "referral")
    audit = kring.do("getAudit", admin, ids)["entries"]
    assert ("decideCommission", "GM0344", 200) in [
        (e["operation"], e["organisation"], e["answer"]) for e in audit]
