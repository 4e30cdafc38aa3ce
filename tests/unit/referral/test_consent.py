"""The consent record (services/referral/consent.py) and how it governs the referral's roads
out: the referring organisation's view; no IO."""
from services.referral.consent import Consent
from services.referral.domain import Referral
from services.referral.events import ConsentWithdrawn
from services.referral.views import referral_view, shown_status, status_view
from tests.support.sample import referral_body

ORG = "huisarts-oost"
ANNA = {"organisation": ORG, "person": "anna", "role": "referrer"}
IDS = ("proposal_id", "case_id", "aftercare_id")


def at(minute):
    return f"2026-11-20T10:{minute:02d}:00.000000Z"


def referral(partner=None, **consent):
    body = referral_body()
    body["consent"].update(consent)
    arrived = Referral.receive("r-1", ORG, body, at(0), "fk-1", partner, recorded_by=ANNA)
    arrived.events.clear()
    return arrived


def in_progress(**consent):
    """Matched and started: a referral whose referrer has something to learn."""
    started = referral(**consent)
    started.record_intake(True, None, "home-start-oost", at(1))
    started.record_progress("proposal_made", {"proposal_id": "p-1"}, at(2))
    started.record_progress("case_started", {"case_id": "c-1"}, at(3))
    started.events.clear()
    return started


def statuses(view):
    return [entry["status"] for entry in view["timeline"]]


# --- the record ---------------------------------------------------------------------------

def test_the_record_keeps_the_scope_who_recorded_it_and_when():
    consent = referral().consent
    assert (consent.share_status_with_referrer, consent.share_status_with_partner) == (
        True, True)
    assert (consent.given_on, consent.recorded_at, consent.recorded_by) == (
        "2026-11-20", at(0), ANNA)
    assert consent.informs_referrer and consent.informs_partner and not consent.withdrawn


def test_the_partner_scope_is_the_referrers_unless_said_otherwise():
    assert Consent.of({"share_status_with_referrer": False}).share_status_with_partner is False
    assert Consent.of({"share_status_with_referrer": True,
                       "share_status_with_partner": False}).share_status_with_partner is False
    assert Consent.of({"share_status_with_referrer": False,
                       "share_status_with_partner": True}).informs_partner


def test_without_a_record_nothing_is_shared():
    nothing = Consent.of(None)
    assert not nothing.informs_referrer and not nothing.informs_partner


def test_a_submission_by_nobody_in_particular_names_the_organisation():
    arrived = Referral.receive("r-2", ORG, referral_body(), at(0), "fk-1")
    assert arrived.consent.recorded_by == {"organisation": ORG}


# --- withdrawing it -------------------------------------------------------------------------

def test_withdrawing_consent_is_recorded_and_told_but_the_referral_goes_on():
    started = in_progress()
    assert started.withdraw_consent("referrer", "anna", ORG, "the family asked", at(4))
    consent = started.consent
    assert (consent.withdrawn_at, consent.withdrawn_by, consent.withdrawn_by_person,
            consent.withdrawn_by_organisation, consent.withdrawal_reason) == (
        at(4), "referrer", "anna", ORG, "the family asked")
    assert not consent.informs_referrer and not consent.informs_partner
    assert (started.status, started.outcome, started.case_id) == ("in_progress", None, "c-1")
    assert started.timeline[-1].status == "consent_withdrawn"
    assert (started.timeline[-1].at, started.timeline[-1].detail) == (at(4), "by referrer")
    assert started.events == [ConsentWithdrawn("referrer")]
    # what was submitted stays as it was, beside the record
    assert started.details["consent"]["family_consents"] is True
    assert started.details["consent"]["share_status_with_referrer"] is True


def test_the_first_withdrawal_stands():
    started = in_progress()
    started.withdraw_consent("coordinator", "carla", "home-start-oost", None, at(4))
    started.events.clear()
    assert not started.withdraw_consent("referrer", "anna", ORG, "again", at(5))
    assert (started.consent.withdrawn_at, started.consent.withdrawn_by) == (at(4),
                                                                              "coordinator")
    assert started.events == []
    assert [e.status for e in started.timeline].count("consent_withdrawn") == 1


def test_consent_can_be_withdrawn_after_the_referral_closed():
    closed = in_progress()
    closed.complete(at(5))
    assert closed.withdraw_consent("referrer", "anna", ORG, None, at(6))
    assert not closed.consent.informs_referrer and closed.is_closed


def test_support_goes_on_after_a_withdrawal_of_consent():
    started = referral()
    started.withdraw_consent("referrer", "anna", ORG, None, at(1))
    started.record_intake(True, None, "home-start-oost", at(2))
    started.record_progress("case_started", {"case_id": "c-1"}, at(3))
    assert (started.status, started.case_id) == ("in_progress", "c-1")


# --- the referring organisation's view ----------------------------------------------------

def test_with_consent_the_referrer_sees_the_progress():
    shown = referral_view(in_progress(), "referrer")
    assert shown["status"] == "in_progress" and shown["case_id"] == "c-1"
    assert "in_progress" in statuses(shown) and "consent" not in shown


def test_without_consent_the_referrer_sees_only_received_until_it_closed():
    quiet = in_progress(share_status_with_referrer=False)
    shown = referral_view(quiet, "referrer")
    assert (shown["status"], shown["outcome"]) == ("received", None)
    assert shown["timeline"] == [{"status": "received", "at": at(0), "detail": None}]
    assert all(shown[name] is None for name in IDS)
    assert "family" not in shown and "request" not in shown and "consent" not in shown
    quiet.complete(at(7))
    shown = referral_view(quiet, "referrer")
    assert (shown["status"], shown["outcome"]) == ("closed", None)
    assert shown["timeline"] == [{"status": "received", "at": at(0), "detail": None},
                                 {"status": "closed", "at": at(7), "detail": None}]
    assert shown_status(quiet) == "closed"


def test_after_a_withdrawal_the_referrer_sees_only_received_and_closed():
    started = in_progress()
    assert shown_status(started) == "in_progress"
    started.withdraw_consent("coordinator", "carla", "home-start-oost", "asked", at(4))
    started.record_progress("aftercare_started", {"aftercare_id": "a-1"}, at(5))
    shown = referral_view(started, "referrer")
    assert (shown["status"], statuses(shown)) == ("received", ["received"])
    assert all(shown[name] is None for name in IDS)
    started.complete(at(6))
    assert statuses(referral_view(started, "referrer")) == ["received", "closed"]


def test_the_coordinating_organisation_still_sees_everything_and_the_record():
    started = in_progress(share_status_with_referrer=False)
    started.withdraw_consent("referrer", "anna", ORG, "a reason told to no one", at(4))
    for role in ("coordinator", "admin"):
        shown = referral_view(started, role)
        assert shown["status"] == "in_progress" and shown["case_id"] == "c-1"
        assert statuses(shown)[-1] == "consent_withdrawn"
        assert shown["timeline"][-1]["detail"] == "by referrer"
        assert shown["consent"] == {
            "share_status_with_referrer": False, "share_status_with_partner": False,
            "given_on": "2026-11-20", "recorded_at": at(0), "recorded_by": ANNA,
            "withdrawn_at": at(4), "withdrawn_by": "referrer"}
        assert "a reason told to no one" not in str(shown)
    assert status_view(started)["status"] == "in_progress"  # the operator's `kring status`


def test_a_partners_view_follows_the_partners_scope():
    body_partner = referral("acme", share_status_with_referrer=True,
                            share_status_with_partner=False)
    body_partner.record_intake(True, None, "home-start-oost", at(1))
    assert referral_view(body_partner, "referrer")["status"] == "received"
    told = referral("acme", share_status_with_referrer=False, share_status_with_partner=True)
    told.record_intake(True, None, "home-start-oost", at(1))
    assert referral_view(told, "referrer")["status"] == "matching"
