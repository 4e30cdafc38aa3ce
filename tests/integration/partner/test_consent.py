"""Consent on the partner queues (docs/contract.md §5, docs/contract.md §7 "Consent"): a
partner hears its referral's status changes only while the family consents to it; its own
messages are always answered. Each test ends with a marker: a new submission whose `accepted`
must be the very next update, so an update that should not have gone would be seen first."""
import uuid

from tests.support.api import token
from tests.support.directory import COORDINATING_ORG
from tests.support.integration.partner import next_update, publish_stage_event
from tests.support.sample import referral_body
from tests.support.waiting import eventually

COORDINATOR = token(COORDINATING_ORG, "coordinator")


def submitted(partner, **consent):
    body = referral_body(f"YH-{uuid.uuid4().hex[:8]}")
    body["consent"].update(consent)
    message_id = partner.submit_referral(body)
    accepted = next_update(partner)
    assert (accepted["type"], accepted["in_reply_to"], accepted["status"]) == (
        "accepted", message_id, "received")
    return accepted["referral_id"], body, message_id


def intake(uri, referral_id):
    publish_stage_event(uri, "matching", "intake_recorded", referral_id, fits=True,
                        severity="medium", coordinator_org=COORDINATING_ORG)


def case_started(uri, referral_id):
    publish_stage_event(uri, "casework", "case_started", referral_id, case_id="c-1",
                        supporter_id="s-1", severity="medium", coordinator_org=COORDINATING_ORG)


def completed(uri, referral_id):
    publish_stage_event(uri, "aftercare", "aftercare_completed", referral_id,
                        aftercare_id="a-1")


def closed_for_coordinator(api, referral_id):
    """The referral as its coordinator sees it, once the closure has been recorded: whatever
    the closure put in the outbox is there too."""
    def read():
        shown = api.get(f"/referrals/{referral_id}", COORDINATOR).json()
        return shown if shown.get("status") == "closed" else None
    return eventually(read, what=f"{referral_id} to close")


def nothing_more_before_the_marker(partner):
    """The partner's next update is the answer to a new submission: nothing came before it."""
    submitted(partner)


def test_without_consent_a_partner_hears_only_the_answer_to_its_message(partners, api,
                                                                        kring_config):
    partner = partners()
    uri = kring_config["AMQP_URI"]
    referral_id, _body, _message_id = submitted(partner, share_status_with_referrer=False)
    intake(uri, referral_id)
    case_started(uri, referral_id)
    completed(uri, referral_id)
    assert closed_for_coordinator(api, referral_id)["outcome"] == "completed"
    nothing_more_before_the_marker(partner)


def test_the_partner_scope_holds_back_updates_also_when_the_referrer_may_be_told(
        partners, api, kring_config):
    partner = partners()
    uri = kring_config["AMQP_URI"]
    referral_id, _body, _message_id = submitted(partner, share_status_with_referrer=True,
                                                share_status_with_partner=False)
    intake(uri, referral_id)
    completed(uri, referral_id)
    closed_for_coordinator(api, referral_id)
    nothing_more_before_the_marker(partner)
    shown = api.get(f"/referrals/{referral_id}", token(partner.partner, "referrer")).json()
    assert (shown["status"], shown["outcome"], shown["case_id"]) == ("closed", None, None)


def test_after_a_withdrawal_of_consent_the_partner_hears_nothing_more(partners, api,
                                                                     kring_config):
    partner = partners()
    uri = kring_config["AMQP_URI"]
    referral_id, body, message_id = submitted(partner)
    intake(uri, referral_id)
    assert next_update(partner)["type"] == "matching"
    case_started(uri, referral_id)
    assert next_update(partner)["type"] == "started"

    withdrawn = api.post(f"/referrals/{referral_id}/consent/withdrawal", COORDINATOR,
                         json={"reason": "the family asked the coordinator"})
    assert withdrawn.status_code == 200, withdrawn.text
    completed(uri, referral_id)
    assert closed_for_coordinator(api, referral_id)["outcome"] == "completed"

    # its own message again is still answered, without the status it may no longer hear
    partner.submit_referral(body, message_id=message_id)
    again = next_update(partner)
    assert (again["type"], again["in_reply_to"], again["referral_id"], again["status"]) == (
        "accepted", message_id, referral_id, "closed")
    nothing_more_before_the_marker(partner)
