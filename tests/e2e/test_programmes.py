"""A programme's definition at work over HTTP (docs/contract.md §2 "Programmes"): a family
trajectory, which only professionals carry and which needs the municipality's commission, is
matched, once commissioned, to the professional even when a volunteer would score higher, and
its case knows the programme."""
from tests.support.api import not_ready, token
from tests.support.sample import referral_body
from tests.support.waiting import eventually

ORG = "gezinstraject-utrecht"  # examples/directory.json: the same organisation updates it
COORDINATOR = token(ORG, "coordinator")
OPERATOR = token("kring-beheer", "operator")
REFERRER = token("huisarts-oost", "referrer")
MUNICIPALITY = token("GM0344", "municipality")  # Utrecht, by its CBS code


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def supporter(api, name, kind, expertise):
    return ok(api.post("/supporters", COORDINATOR, json={
        "name": name, "kind": kind, "programmes": ["family-trajectory"], "languages": ["nl"],
        "municipalities": ["Utrecht"], "capacity": 2, "expertise": expertise}), 201)


def test_a_family_trajectory_is_matched_to_a_professional_only(stack_api):
    api = stack_api
    ok(api.post("/providers", OPERATOR, json={
        "organisation": ORG, "name": "Gezinstraject Utrecht", "programme": "family-trajectory",
        "municipalities": ["Utrecht"], "languages": ["nl"]}), 201)
    listed = ok(api.get("/programmes", REFERRER, params={"municipality": "Utrecht"}))
    [entry] = [p for p in listed["providers"] if p["programme"] == "family-trajectory"]
    assert (entry["programme_details"]["kind"],
            entry["programme_details"]["commission_required"]) == (
        "professional_family_trajectory", True)
    assert ok(api.get("/programmes/family-trajectory", REFERRER))["supporter_kinds"] == [
        "professional"]
    # the volunteer knows the family's question and was registered first: allowed, she would win
    supporter(api, "Vera", "volunteer", ["parenting"])
    professional = supporter(api, "Piet", "professional", [])
    referral_id = ok(api.post("/referrals", REFERRER, json=referral_body(
        "FT-0001", programme="family-trajectory")), 201)["referral_id"]

    def intake():
        response = api.post("/intakes", COORDINATOR, json={
            "referral_id": referral_id, "fits": True, "severity": "medium"})
        return None if not_ready(response) else ok(response, 201)

    assert eventually(intake, what="matching to hear of the referral")["status"] == \
        "awaiting_commission"
    eventually(lambda: ok(api.get(f"/commissions/{referral_id}", MUNICIPALITY))
               if api.get(f"/commissions/{referral_id}", MUNICIPALITY).status_code == 200
               else None, what="the referral to ask for Utrecht's commission")
    ok(api.post(f"/referrals/{referral_id}/commission", MUNICIPALITY,
                json={"commissioned": True}))
    proposal_id = eventually(
        lambda: ok(api.get(f"/referrals/{referral_id}", COORDINATOR))["proposal_id"],
        what="a proposal once commissioned")
    proposal = ok(api.get(f"/proposals/{proposal_id}", COORDINATOR))
    assert (proposal["supporter_id"], proposal["supporter_kind"]) == (
        professional["supporter_id"], "professional")
    for party in ("family", "supporter"):
        ok(api.post(f"/proposals/{proposal_id}/responses", COORDINATOR,
                    json={"party": party, "accept": True}))
    case_id = eventually(lambda: ok(api.get(f"/referrals/{referral_id}", COORDINATOR))["case_id"],
                         what="the case to start")
    case = ok(api.get(f"/cases/{case_id}", COORDINATOR))
    assert (case["programme"], case["supporter_kind"], case["past_expected_duration"]) == (
        "family-trajectory", "professional", False)
