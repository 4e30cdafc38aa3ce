"""Consent withdrawn mid-case, end to end (docs/contract.md §7 "Consent"): the referrer saw the
case start and had its start notice; after the withdrawal it sees only that the referral was
received and when it closed, and no closure notice goes out, while support goes on to the end."""
from tests.support.access import (CLOSING, HANDOVER, PROVIDERS, REFERRERS, Directory, Kring,
                                  aftercare_of, body_text, case_of, closed, intake, person,
                                  referral_in)
from tests.support.waiting import eventually

UTRECHT = "Utrecht"


def mails_of(smtp, referral_id):
    return [m["X-Kring-Notice"] for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]


def test_after_a_withdrawal_of_consent_the_referrer_hears_nothing_more(stack_api, smtp):
    kring = Kring(stack_api)
    directory = Directory(kring)
    directory.register_providers()
    directory.register_supporter(UTRECHT, "Anna")
    referrer = person(REFERRERS[UTRECHT], "referrer", "dr-jansen")
    coordinator = person(PROVIDERS[UTRECHT], "coordinator", "carla")
    admin = person(PROVIDERS[UTRECHT], "admin", "ada")
    referral_id = kring.do("submitReferral", referrer,
                           body=referral_in(UTRECHT))["referral_id"]
    ids = {"referral_id": referral_id}
    ids["proposal_id"] = intake(kring, coordinator, referral_id)
    for party in ("family", "supporter"):
        kring.do("respondToProposal", coordinator, ids,
                 {"party": party, "accept": True, "reason": "a good first meeting"})
    ids["case_id"] = case_of(kring, coordinator, referral_id)
    assert kring.do("getReferral", referrer, ids)["status"] == "in_progress"
    eventually(lambda: mails_of(smtp, referral_id) == ["start"], what="the start notice")

    narrowed = kring.do("withdrawConsent", referrer, ids, {"reason": "the family asked"})
    assert (narrowed["status"], narrowed["case_id"]) == ("received", None)

    kring.do("closeCase", coordinator, ids, CLOSING)
    kring.do("handOverCase", coordinator, ids, HANDOVER)
    ids["aftercare_id"] = aftercare_of(kring, coordinator, referral_id)
    kring.do("completeAftercare", coordinator, ids, {"notes": "the last contact went well"})
    assert closed(kring, coordinator, referral_id)["outcome"] == "completed"

    def closure_settled():
        response = kring.call("getAudit", admin, ids)
        assert response.status_code == 200, body_text(response)
        return [entry["answer"] for entry in response.json()["entries"]
                if entry["service"] == "notify" and entry.get("target_id") == "closure"]
    assert eventually(closure_settled, what="notify to settle the closure notice") == [204]
    assert mails_of(smtp, referral_id) == ["start"]
    seen = kring.do("getReferral", referrer, ids)
    assert (seen["status"], seen["outcome"], seen["aftercare_id"]) == ("closed", None, None)
    assert [entry["status"] for entry in seen["timeline"]] == ["received", "closed"]
    timeline = [entry["status"] for entry in kring.do("getReferral", coordinator,
                                                       ids)["timeline"]]
    assert timeline.index("in_progress") < timeline.index("consent_withdrawn") < \
        timeline.index("aftercare")
