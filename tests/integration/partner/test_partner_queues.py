"""docs/contract.md §5 against the real broker, as a partner with only a broker account sees it."""
import json
import uuid

import amqp.exceptions
import pytest
from kombu import Connection, Exchange, Queue

from kring.contracts.partner_queues import IN_EXCHANGE, OUT_EXCHANGE, SUBMIT_KEY
from tests.support.api import token
from tests.support.databases import audit_records, unit_of_work
from tests.support.directory import COORDINATING_ORG
from tests.support.integration.partner import (next_dead_letter, next_update, publish_stage_event,
                                               raw_publish, refused_submission)
from tests.support.sample import referral_body


def test_a_valid_submission_is_accepted_once_and_visible_to_coordinators(partners, api):
    partner = partners()
    message_id = partner.submit_referral(referral_body("YH-1"))
    accepted = next_update(partner)
    assert accepted["type"] == "accepted" and accepted["in_reply_to"] == message_id
    assert accepted["external_ref"] == "YH-1" and accepted["status"] == "received"
    shown = api.get(f"/referrals/{accepted['referral_id']}", token(COORDINATING_ORG, "coordinator"))
    assert shown.status_code == 200 and shown.json()["external_ref"] == "YH-1"
    # the partner's own organisation, over HTTP, sees the same referral
    own = api.get(f"/referrals/{accepted['referral_id']}", token(partner.partner, "referrer"))
    assert own.status_code == 200


def test_a_partners_submission_is_in_the_audit_trail_like_one_over_http(partners,
                                                                         referral_service):
    partner = partners()
    message_id = partner.submit_referral(referral_body("YH-9"))
    first = next_update(partner)
    partner.submit_referral(referral_body("YH-9"))  # the same referral, in a new message
    again = next_update(partner)
    assert first["in_reply_to"] == message_id and again["referral_id"] == first["referral_id"]
    records = [(r["operation"], r["referral_id"], r["person"], r["organisation"], r["role"],
                r["answer"]) for r in audit_records(unit_of_work(referral_service))]
    assert records == [
        ("submitReferral", first["referral_id"], partner.partner, partner.partner, "partner",
         201),
        ("submitReferral", first["referral_id"], partner.partner, partner.partner, "partner",
         200)]


def test_the_same_message_twice_creates_one_referral(partners):
    partner = partners()
    message_id = partner.submit_referral(referral_body("YH-2"))
    partner.submit_referral(referral_body("YH-2"), message_id=message_id)
    partner.submit_referral(referral_body("YH-2"))  # a new message, the same external_ref
    answers = [next_update(partner) for _ in range(3)]
    assert {answer["type"] for answer in answers} == {"accepted"}
    assert len({answer["referral_id"] for answer in answers}) == 1


def test_unreadable_json_is_rejected_and_kept(partners, kring_config, referral_service):
    partner = partners()
    raw_publish(partner, b'{"programme": "home-start", "external_ref": "YH-3",')
    rejected = next_update(partner)
    assert rejected["type"] == "rejected" and rejected["referral_id"] is None
    assert "not valid JSON" in rejected["errors"]["_schema"][0]
    kept = next_dead_letter(kring_config["AMQP_URI"])
    assert kept["partner"] == partner.partner and kept["message_id"] == "m-1"
    assert kept["errors"] == rejected["errors"] and "body" not in kept
    # the body is kept by the referral service, under the id the dead letter names
    stored = refused_submission(referral_service, kept["refused_id"])
    assert stored["body"].startswith('{"programme"') and stored["errors"] == kept["errors"]


def test_a_body_that_fails_validation_is_rejected_with_its_errors(partners, kring_config):
    partner = partners()
    body = referral_body("YH-4")
    del body["family"]["postcode"]
    body["request"]["urgency"] = "yesterday"
    partner.submit_referral(body)
    rejected = next_update(partner)
    assert rejected["type"] == "rejected" and rejected["external_ref"] == "YH-4"
    assert set(rejected["errors"]) == {"family", "request"}
    assert next_dead_letter(kring_config["AMQP_URI"])["errors"] == rejected["errors"]


@pytest.mark.parametrize("municipality,errors", [
    ("Utrect", {"family": {"municipality": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?"]}}),
    ("Amsterdam", {"programme": ["no organisation provides home-start in Amsterdam (GM0363)"]}),
])
def test_a_referral_that_cannot_be_routed_is_rejected_as_over_http(partners, kring_config,
                                                                   municipality, errors):
    partner = partners()
    body = referral_body("YH-6")
    body["family"]["municipality"] = municipality
    partner.submit_referral(body)
    rejected = next_update(partner)
    assert (rejected["type"], rejected["referral_id"], rejected["errors"]) == (
        "rejected", None, errors)
    assert next_dead_letter(kring_config["AMQP_URI"])["errors"] == errors


def test_no_consent_is_rejected(partners):
    partner = partners()
    body = referral_body("YH-5")
    body["consent"]["family_consents"] = False
    partner.submit_referral(body)
    rejected = next_update(partner)
    assert rejected["type"] == "rejected"
    assert "voluntary" in rejected["errors"]["consent"]["family_consents"][0]


def test_the_broker_refuses_a_user_id_that_is_not_the_connections_user(partners):
    partner = partners()
    with Connection(partner.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        with pytest.raises(amqp.exceptions.PreconditionFailed):
            conn.Producer().publish(
                referral_body("YH-6"), exchange=Exchange(IN_EXCHANGE, type="topic",
                                                         passive=True),
                routing_key=SUBMIT_KEY, serializer="json", message_id="m-6",
                user_id="someone-else")


def test_a_message_without_user_id_is_kept_for_the_operator(referral_service, kring_config):
    with Connection(kring_config["AMQP_URI"], transport_options={"confirm_publish": True}) as c:
        c.Producer().publish(referral_body("YH-7"), exchange=Exchange(IN_EXCHANGE, type="topic"),
                             routing_key=SUBMIT_KEY, serializer="json", message_id="m-7")
    kept = next_dead_letter(kring_config["AMQP_URI"])
    assert kept["partner"] is None and "user_id" in kept["errors"]


def test_started_and_closed_reach_the_partner(partners, kring_config):
    partner = partners()
    partner.submit_referral(referral_body("YH-8"))
    referral_id = next_update(partner)["referral_id"]
    uri = kring_config["AMQP_URI"]
    publish_stage_event(uri, "matching", "intake_recorded", referral_id, fits=True,
                        severity="medium", coordinator_org=COORDINATING_ORG)
    assert next_update(partner)["type"] == "matching"
    publish_stage_event(uri, "casework", "case_started", referral_id, case_id="c-1",
                        supporter_id="s-1", severity="medium", coordinator_org=COORDINATING_ORG)
    started = next_update(partner)
    assert (started["type"], started["status"]) == ("started", "in_progress")
    publish_stage_event(uri, "aftercare", "aftercare_completed", referral_id,
                        aftercare_id="a-1")
    closed = next_update(partner)
    assert (closed["type"], closed["status"], closed["outcome"]) == ("closed", "closed",
                                                                     "completed")
    assert set(closed) == {"message_id", "type", "occurred_at", "referral_id", "external_ref",
                           "status", "outcome", "errors", "in_reply_to"}
    assert "Yilmaz" not in json.dumps(closed)


def test_a_partner_never_receives_another_partners_updates(partners):
    first, second = partners(), partners()
    first.submit_referral(referral_body("YH-9"))
    assert next_update(first)["type"] == "accepted"
    with Connection(second.amqp_uri) as conn:  # routed at publish time: it would be there now
        queue = second.updates_queue()(conn.default_channel)
        assert queue.queue_declare(passive=True).message_count == 0
        spy = Queue(f"{second.partner}.spy", exchange=Exchange(OUT_EXCHANGE, passive=True),
                    routing_key=f"{first.partner}.#")
        with pytest.raises(amqp.exceptions.AccessRefused):
            spy(conn.default_channel).declare()


def test_coordinators_withdrawal_is_told_to_the_partner(partners, api):
    partner = partners()
    partner.submit_referral(referral_body(f"YH-{uuid.uuid4().hex[:6]}"))
    referral_id = next_update(partner)["referral_id"]
    response = api.post(f"/referrals/{referral_id}/withdraw",
                        token(COORDINATING_ORG, "coordinator"), json={"reason": "family stopped"})
    assert response.status_code == 200
    closed = next_update(partner)
    assert (closed["type"], closed["outcome"]) == ("closed", "withdrawn")
