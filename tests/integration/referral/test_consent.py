"""Consent over HTTP (docs/contract.md §7 "Consent"): what the referrer sees without it and after
it is withdrawn, withdrawConsent itself, and the consent_withdrawn event, against the real
service on the real broker, on SQLite and on PostgreSQL."""
import json

import pytest

from kring.contracts.events import make_event
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.databases import audit_records, unit_of_work
from tests.support.directory import COORDINATING_ORG, OTHER_COORDINATING_ORG
from tests.support.events import deliver, listening_to
from tests.support.sample import changed, referral_body

REFERRER = token("huisarts-oost", "referrer", subject="anna")
OTHER_REFERRER = token("huisarts-west", "referrer")
COORDINATOR = token(COORDINATING_ORG, "coordinator", subject="carla")
ADMIN = token(COORDINATING_ORG, "admin")
OTHER_COORDINATOR = token(OTHER_COORDINATING_ORG, "coordinator")
SUPPORTER = token(COORDINATING_ORG, "supporter")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
IDS = ("proposal_id", "case_id", "aftercare_id")
REASON = "Fam. Yilmaz no longer wants the GP to know"


@pytest.fixture
def published(kring_config):
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture(autouse=True)
def service(container_factory, kring_config, published):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


@pytest.fixture
def report(service, kring_config):
    """Deliver a stage's event about a referral, as matching, casework or aftercare would."""
    def reported(source, event_type, referral_id, **data):
        deliver(service, kring_config["AMQP_URI"],
                make_event(source, event_type, referral_id, **data))
    return reported


def submitted(api, body=None):
    answer = api.post("/referrals", REFERRER, json=body or referral_body())
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def shown(api, referral_id, who=REFERRER):
    answer = api.get(f"/referrals/{referral_id}", who)
    assert answer.status_code == 200, answer.text
    return answer.json()


def withdraw_consent(api, referral_id, who=REFERRER, body=None):
    return api.post(f"/referrals/{referral_id}/consent/withdrawal", who, json=body or {})


def statuses(view):
    return [entry["status"] for entry in view["timeline"]]


def started(report, referral_id):
    """Intake, a proposal and the case started: a referral well under way."""
    report("matching", "intake_recorded", referral_id, fits=True, severity="medium",
           coordinator_org=COORDINATING_ORG)
    report("matching", "proposal_made", referral_id, proposal_id="p-1", supporter_id="s-1")
    report("casework", "case_started", referral_id, case_id="c-1", supporter_id="s-1",
           severity="medium", coordinator_org=COORDINATING_ORG)


def completed(report, referral_id):
    report("aftercare", "aftercare_completed", referral_id, aftercare_id="a-1")


def only_received(view, closed=False):
    """The referrer's view without consent: received (and closed), nothing in between."""
    assert view["status"] == ("closed" if closed else "received"), view
    assert view["outcome"] is None and all(view[name] is None for name in IDS), view
    assert statuses(view) == (["received", "closed"] if closed else ["received"]), view
    assert all(entry["detail"] is None for entry in view["timeline"]), view
    assert not {"family", "request", "consent"} & set(view), view


def test_without_consent_the_referrer_sees_only_received_and_closed(api, report, published):
    referral_id = submitted(api, changed(("consent", "share_status_with_referrer"), False))
    received = published.next_of_type("referral_received")
    assert received["data"]["share_status_with_referrer"] is False
    started(report, referral_id)
    only_received(shown(api, referral_id))
    coordinated = shown(api, referral_id, COORDINATOR)
    assert coordinated["status"] == "in_progress" and coordinated["case_id"] == "c-1"
    assert coordinated["consent"]["share_status_with_referrer"] is False
    assert coordinated["consent"]["share_status_with_partner"] is False
    assert coordinated["consent"]["recorded_by"] == {
        "organisation": "huisarts-oost", "person": "anna", "role": "referrer"}
    assert coordinated["consent"]["given_on"] == "2026-11-20"
    completed(report, referral_id)
    only_received(shown(api, referral_id), closed=True)
    assert shown(api, referral_id, ADMIN)["outcome"] == "completed"


def test_the_same_external_ref_again_answers_without_the_status_in_between(api, report):
    body = changed(("consent", "share_status_with_referrer"), False)
    referral_id = submitted(api, body)
    started(report, referral_id)
    again = api.post("/referrals", REFERRER, json=body)
    assert again.status_code == 200 and again.json() == {"referral_id": referral_id,
                                                          "status": "received"}


def test_consent_withdrawn_midway(api, report, published, service):
    referral_id = submitted(api)
    started(report, referral_id)
    before = shown(api, referral_id)
    assert before["status"] == "in_progress" and before["case_id"] == "c-1"
    assert "in_progress" in statuses(before)

    answer = withdraw_consent(api, referral_id, body={"reason": REASON})
    assert answer.status_code == 200, answer.text
    only_received(answer.json())
    only_received(shown(api, referral_id))

    event = published.next_of_type("consent_withdrawn")
    assert (event["referral_id"], event["data"]) == (referral_id, {})
    assert "Yilmaz" not in json.dumps(event)

    coordinated = shown(api, referral_id, COORDINATOR)
    assert coordinated["status"] == "in_progress"  # support goes on
    [entry] = [e for e in coordinated["timeline"] if e["status"] == "consent_withdrawn"]
    assert entry["detail"] == "by referrer"
    assert coordinated["consent"]["withdrawn_at"] == entry["at"]
    assert coordinated["consent"]["withdrawn_by"] == "referrer"
    assert REASON not in json.dumps(coordinated)  # kept with the record, shown to no one

    completed(report, referral_id)
    only_received(shown(api, referral_id), closed=True)
    assert shown(api, referral_id, COORDINATOR)["outcome"] == "completed"
    withdrawals = [r for r in audit_records(unit_of_work(service))
                   if r["operation"] == "withdrawConsent"]
    assert [(r["referral_id"], r["person"], r["role"], r["answer"]) for r in withdrawals] == [
        (referral_id, "anna", "referrer", 200)]


def test_a_second_withdrawal_changes_nothing(api, report, published):
    referral_id = submitted(api)
    first = withdraw_consent(api, referral_id, COORDINATOR)
    assert first.status_code == 200, first.text
    assert published.next_of_type("consent_withdrawn")["referral_id"] == referral_id
    again = withdraw_consent(api, referral_id, REFERRER, {"reason": "once more"})
    assert again.status_code == 200, again.text
    assert again.json() == shown(api, referral_id)
    coordinated = shown(api, referral_id, COORDINATOR)
    assert statuses(coordinated).count("consent_withdrawn") == 1
    assert coordinated["consent"]["withdrawn_by"] == "coordinator"
    submitted(api, referral_body("HA-NEXT"))  # what it publishes comes after anything else
    following = published.next()  # not a second consent_withdrawn
    assert (following["type"], following["data"]["external_ref"]) == ("referral_received",
                                                                     "HA-NEXT")


def test_consent_may_be_withdrawn_after_the_referral_closed(api, report):
    referral_id = submitted(api)
    started(report, referral_id)
    completed(report, referral_id)
    assert shown(api, referral_id)["outcome"] == "completed"
    answer = withdraw_consent(api, referral_id)
    assert answer.status_code == 200, answer.text
    only_received(answer.json(), closed=True)


def test_out_of_reach_answers_as_an_unknown_id(api):
    referral_id = submitted(api)
    for who in (OTHER_REFERRER, OTHER_COORDINATOR):
        real = withdraw_consent(api, referral_id, who)
        unknown = withdraw_consent(api, UNKNOWN_ID, who)
        assert real.status_code == unknown.status_code == 404
        assert real.json() == json.loads(unknown.text.replace(UNKNOWN_ID, referral_id))
    for who in (ADMIN, SUPPORTER):
        assert withdraw_consent(api, referral_id, who).status_code == 403
    assert withdraw_consent(api, referral_id, None).status_code == 401
    assert shown(api, referral_id, COORDINATOR)["consent"]["withdrawn_at"] is None


@pytest.mark.parametrize("body, field", [
    ({"reason": ""}, "reason"), ({"reason": "x" * 2001}, "reason"),
    ({"reason": 7}, "reason"), ({"by": "family"}, "by")])
def test_a_withdrawal_body_is_checked(api, body, field):
    referral_id = submitted(api)
    answer = withdraw_consent(api, referral_id, body=body)
    assert answer.status_code == 422, answer.text
    assert set(answer.json()["errors"]) == {field}


def test_the_partner_scope_is_checked_and_defaults_to_the_referrers(api):
    refused = api.post("/referrals", REFERRER,
                       json=changed(("consent", "share_status_with_partner"), "no"))
    assert refused.status_code == 422
    assert set(refused.json()["errors"]["consent"]) == {"share_status_with_partner"}
    referral_id = submitted(api, changed(("consent", "share_status_with_partner"), False))
    consent = shown(api, referral_id, COORDINATOR)["consent"]
    assert (consent["share_status_with_referrer"], consent["share_status_with_partner"]) == (
        True, False)
