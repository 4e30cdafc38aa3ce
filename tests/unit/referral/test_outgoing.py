"""What leaves the referral service for each domain event, and which reaction each report gets."""
from kring.contracts.partner_queues import OUT_EXCHANGE, PartnerUpdate
from kring.contracts.topology import SUBSCRIPTIONS
from kring.kit.outbox import Message
from services.referral.consultation import Answered
from services.referral.domain import Referral
from services.referral.events import (ApplicationSubmitted, Closed, Commissioned,
                                      ConsentWithdrawn, Erased, Received, Routed, StatusChanged,
                                      Withdrawn)
from services.referral.handlers import REACTIONS
from services.referral.outgoing import OUTGOING, outgoing
from tests.support.sample import referral_body

AT = "2026-11-20T10:00:00.000000Z"


def referral(partner=None, **consent):
    body = referral_body()
    body["consent"].update(consent)
    return Referral.receive("r-1", "huisarts-oost", body, AT, "fk-1", partner)


def test_every_domain_event_has_a_translation():
    assert set(OUTGOING) == {Received, Routed, StatusChanged, Withdrawn, Closed,
                             ConsentWithdrawn, Erased, Answered, Commissioned,
                             ApplicationSubmitted}


def test_a_commission_tells_matching_and_no_words_of_the_municipality():
    [event] = outgoing(referral(), Commissioned("GM0344"))
    assert (event.type, event.data) == ("referral_commissioned", {"municipality_code": "GM0344"})


def test_arrival_becomes_referral_received_with_the_family_key():
    [event] = outgoing(referral(), Received("fk-1"))
    assert (event.type, event.referral_id) == ("referral_received", "r-1")
    assert event.data["family_key"] == "fk-1"


def test_a_status_change_is_told_only_to_the_partner():
    assert outgoing(referral(), StatusChanged("matching")) == []
    [update] = outgoing(referral("acme"), StatusChanged("in_progress"))
    assert isinstance(update, Message)
    assert (update.exchange, update.routing_key) == (OUT_EXCHANGE, "acme.referral.started")
    assert update.message_id == update.body["message_id"]
    assert PartnerUpdate().validate(update.body) == {}


def test_closing_tells_the_stages_before_the_partner():
    closing = referral("acme")
    closing.withdraw("family", "we manage", AT)
    event, update = outgoing(closing, Closed("withdrawn", "we manage"))
    assert (event.type, event.data["outcome"]) == ("referral_closed", "withdrawn")
    assert update.routing_key == "acme.referral.closed"
    assert (update.body["status"], update.body["outcome"]) == ("closed", "withdrawn")


def test_closing_says_the_programme_whose_retention_period_applies():
    closing = referral()
    closing.withdraw("family", None, AT)
    [event] = outgoing(closing, Closed("withdrawn"))
    assert event.data["programme"] == "home-start"


def test_an_erasure_asks_every_stage_and_says_nothing_about_the_family():
    erased = referral("acme")
    erased.events.clear()  # received and stored earlier
    erased.erase("admin", "home-start-utrecht", AT)
    events = [message for happened in list(erased.events)
              for message in outgoing(erased, happened)]
    assert [getattr(e, "type", None) for e in events][-1] == "referral_erased"
    assert set(events[-1].data) == {"erased_at"}


def test_every_subscribed_event_type_has_a_reaction():
    subscribed = {event_type for consumer, _method, _source, types in SUBSCRIPTIONS
                  if consumer == "referral" for event_type in types}
    assert set(REACTIONS) == subscribed


# --- consent governs what a partner hears (services/referral/consent.py) ------------------

def test_without_the_partners_scope_a_partner_hears_no_status_change():
    quiet = referral("acme", share_status_with_partner=False)
    assert outgoing(quiet, StatusChanged("in_progress")) == []
    quiet.withdraw("family", None, AT)
    [event] = outgoing(quiet, Closed("withdrawn"))  # the stages still hear of the closure
    assert event.type == "referral_closed"


def test_the_partners_scope_follows_the_referrers_when_left_out():
    assert outgoing(referral("acme", share_status_with_referrer=False),
                    StatusChanged("matching")) == []
    assert len(outgoing(referral("acme", share_status_with_referrer=True),
                        StatusChanged("matching"))) == 1


def test_after_a_withdrawal_of_consent_the_partner_hears_nothing_more():
    withdrawn = referral("acme")
    withdrawn.withdraw_consent("referrer", "anna", "acme", "she asked", AT)
    [event] = outgoing(withdrawn, ConsentWithdrawn("referrer"))
    assert (event.type, event.referral_id, event.data) == ("consent_withdrawn", "r-1", {})
    assert outgoing(withdrawn, StatusChanged("in_progress")) == []
    withdrawn.withdraw("family", None, AT)
    assert [item.type for item in outgoing(withdrawn, Closed("withdrawn"))] == [
        "referral_closed"]


def test_referral_received_says_whether_the_referrer_may_be_told():
    [told] = outgoing(referral(), Received("fk-1"))
    [untold] = outgoing(referral(share_status_with_referrer=False), Received("fk-1"))
    assert (told.data["share_status_with_referrer"],
            untold.data["share_status_with_referrer"]) == (True, False)
