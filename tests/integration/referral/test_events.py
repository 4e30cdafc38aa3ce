"""Events in and out of the referral service over the real broker (and a real database, SQLite
and PostgreSQL): what it announces, and how the other stages' reports move a referral."""
import json
import uuid
from datetime import datetime

import pytest
from kombu import Connection, Queue

from kring import dlq
from kring.contracts.events import make_event, read_event
from kring.contracts.topology import dead_letter_queue_name
from kring.kit.retry import ERROR_HEADER
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import deliver, listening_to, publish
from tests.support.sample import referral_body

REFERRER = token("huisarts-oost", "referrer")
COORDINATOR = token("home-start-oost", "coordinator")
COORDINATOR_ORG = "home-start-oost"
FAMILY_DETAILS = ["Fam. Yilmaz", "Yilmaz", "+31612345678", "612345678", "3581AB", "3581",
                  "Support with parenting after a move"]


@pytest.fixture
def published(kring_config):
    """Bound before the service starts and before anything is submitted: nothing is missed."""
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture
def service(container_factory, kring_config, published):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


@pytest.fixture
def amqp_uri(kring_config):
    return kring_config["AMQP_URI"]


def submitted(api):
    answer = api.post("/referrals", REFERRER, json=referral_body())
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def shown(api, referral_id):
    answer = api.get(f"/referrals/{referral_id}", COORDINATOR)
    assert answer.status_code == 200, answer.text
    return answer.json()


def timeline(api, referral_id):
    return [entry["status"] for entry in shown(api, referral_id)["timeline"]]


def intake(referral_id, fits=True):
    return make_event("matching", "intake_recorded", referral_id, fits=fits,
                      severity="medium" if fits else None, coordinator_org=COORDINATOR_ORG)


def next_parked(amqp_uri, timeout=15):
    """The next message the referral service parked in its dead-letter queue (taken off it).

    Read undecoded (on_message): a parked message is often one that does not decode.
    """
    received = []
    with Connection(amqp_uri) as connection:
        queue = Queue(dead_letter_queue_name("referral"), durable=True)
        with connection.Consumer(queue, on_message=received.append, prefetch_count=1):
            try:
                connection.drain_events(timeout=timeout)
            except TimeoutError:
                raise AssertionError(f"nothing was parked within {timeout} s: the service "
                                     "accepted the envelope") from None
        received[0].ack()
    return received[0]


# --- what the referral service publishes --------------------------------------------------

def test_a_submission_announces_referral_received_without_the_family(service, api, published):
    referral_id = submitted(api)
    message = published.next_message()
    envelope = json.loads(message.body)
    assert message.content_type == "application/json"
    assert message.properties["message_id"] == envelope["event_id"]
    assert message.properties["delivery_mode"] == 2  # persistent
    assert message.delivery_info["routing_key"] == "referral_received"
    assert (envelope["type"], envelope["source"], envelope["version"]) == (
        "referral_received", "referral", 1)
    assert envelope["referral_id"] == referral_id
    assert uuid.UUID(envelope["event_id"]) and envelope["occurred_at"].endswith("Z")
    data = envelope["data"]
    assert data == {
        "programme": "home-start", "organisation": "huisarts-oost",
        "external_ref": "HA-2026-0042", "municipality": "Utrecht", "languages": ["nl", "tr"],
        "domains": ["parenting"], "urgency": "normal",
        "referrer_email": "j.devries@example.org", "referrer_language": "nl",
        "referrer_organisation": "Huisartsenpraktijk Oost",
        "share_status_with_referrer": True, "partner": None,
        "family_key": data["family_key"], "coordinating_org": COORDINATOR_ORG,
        "municipality_code": "GM0344", "self_referred": False}
    assert len(data["family_key"]) == 32
    text = message.body.decode() if isinstance(message.body, bytes) else message.body
    assert [detail for detail in FAMILY_DETAILS if detail in text] == []
    assert read_event(envelope).referral_id == referral_id  # consumers can read it


def test_withdrawing_announces_withdrawn_then_closed(service, api, published):
    referral_id = submitted(api)
    assert published.next()["type"] == "referral_received"
    answer = api.post(f"/referrals/{referral_id}/withdraw", REFERRER,
                      json={"by": "family", "reason": "we manage now"})
    assert answer.status_code == 200, answer.text
    withdrawn, closed = published.next(), published.next()
    assert (withdrawn["type"], withdrawn["referral_id"], withdrawn["data"]) == (
        "referral_withdrawn", referral_id, {"by_role": "family"})
    assert (closed["type"], closed["referral_id"]) == ("referral_closed", referral_id)
    assert closed["data"]["outcome"] == "withdrawn"
    # the reason is words about the family: it travels in neither event
    assert "we manage now" not in json.dumps([withdrawn, closed])
    assert withdrawn["event_id"] != closed["event_id"]


# --- what the other stages report ---------------------------------------------------------

def test_an_intake_that_does_not_fit_closes_the_referral_as_declined(service, api, published,
                                                                       amqp_uri):
    referral_id = submitted(api)
    deliver(service, amqp_uri, intake(referral_id, fits=False))
    referral = shown(api, referral_id)
    assert (referral["status"], referral["outcome"]) == ("closed", "declined")
    assert [entry["status"] for entry in referral["timeline"]] == [
        "received", "intake_done", "closed"]
    closed = published.next_of_type("referral_closed")
    assert (closed["referral_id"], closed["data"]) == (referral_id, {
        "outcome": "declined",
        "coordinating_org": COORDINATOR_ORG, "case_started_at": None,
        "programme": "home-start"})


def the_whole_flow(referral_id):
    """Every stage's report from intake to the end of aftercare, with the status after each."""
    proposal_id, case_id, aftercare_id = (str(uuid.uuid4()) for _ in range(3))
    supporter = {"supporter_id": "s-1"}
    return [
        (intake(referral_id), "matching"),
        (make_event("matching", "proposal_made", referral_id, proposal_id=proposal_id,
                    **supporter), "matching"),
        (make_event("matching", "match_made", referral_id, proposal_id=proposal_id,
                    supporter_kind="volunteer", severity="medium",
                    coordinator_org=COORDINATOR_ORG, **supporter), "matching"),
        (make_event("casework", "case_started", referral_id, case_id=case_id,
                    severity="medium", coordinator_org=COORDINATOR_ORG, **supporter),
         "in_progress"),
        (make_event("casework", "case_closed", referral_id, case_id=case_id, goals_met=True),
         "in_progress"),
        (make_event("casework", "case_handed_over", referral_id, case_id=case_id,
                    receiving_kind="municipality", receiving_name="Gemeente Utrecht",
                    severity="medium", **supporter), "in_progress"),
        (make_event("aftercare", "aftercare_started", referral_id, aftercare_id=aftercare_id,
                    ends_on="2027-06-01"), "aftercare"),
        (make_event("aftercare", "aftercare_completed", referral_id,
                    aftercare_id=aftercare_id), "closed"),
    ], (proposal_id, case_id, aftercare_id)


def test_the_whole_flow_moves_the_referral_to_closed_completed(service, api, published,
                                                               amqp_uri):
    referral_id = submitted(api)
    assert shown(api, referral_id)["status"] == "received"
    steps, ids = the_whole_flow(referral_id)
    seen = []
    for event, status in steps:
        deliver(service, amqp_uri, event)
        seen.append(shown(api, referral_id)["status"])
    assert seen == [status for _, status in steps]
    referral = shown(api, referral_id)
    assert referral["outcome"] == "completed"
    assert (referral["proposal_id"], referral["case_id"], referral["aftercare_id"]) == ids
    assert [entry["status"] for entry in referral["timeline"]] == [
        "received", "intake_done", "matching", "proposal_made", "matched", "in_progress",
        "case_closed", "handed_over", "aftercare", "closed"]
    assert [entry["at"] for entry in referral["timeline"]] == sorted(
        entry["at"] for entry in referral["timeline"])
    closed = published.next_of_type("referral_closed")
    assert closed["data"]["outcome"] == "completed"
    assert closed["data"]["coordinating_org"] == COORDINATOR_ORG
    # the start travels with the closure, for whoever hears of the closure first (notify)
    (started,) = [event for event, _ in steps if event.type == "case_started"]
    assert (datetime.fromisoformat(closed["data"]["case_started_at"]) ==
            datetime.fromisoformat(started.occurred_at))


def test_the_same_event_delivered_twice_counts_once(service, api, amqp_uri):
    referral_id = submitted(api)
    event = intake(referral_id)
    deliver(service, amqp_uri, event)
    deliver(service, amqp_uri, event)  # redelivered: the same event_id
    assert timeline(api, referral_id) == ["received", "intake_done", "matching"]
    proposal = make_event("matching", "proposal_made", referral_id, proposal_id="p-1",
                          supporter_id="s-1")
    deliver(service, amqp_uri, proposal)
    deliver(service, amqp_uri, proposal)
    assert timeline(api, referral_id) == ["received", "intake_done", "matching", "proposal_made"]


def test_an_event_for_an_unknown_referral_is_ignored(service, api, amqp_uri):
    referral_id = submitted(api)
    deliver(service, amqp_uri, intake(str(uuid.uuid4())))  # no exception from the handler
    assert dlq.counts(amqp_uri)["referral"] == 0  # nor parked: there was nothing wrong
    deliver(service, amqp_uri, intake(referral_id))
    assert shown(api, referral_id)["status"] == "matching"


def good_envelope(referral_id):
    return intake(referral_id).to_message()


MALFORMED = {
    "not json": lambda rid: b'{"event_id": "e-1", "type": ',
    "not utf-8": lambda rid: b'{"event_id": "\xff\xfe"}',
    "a list": lambda rid: [good_envelope(rid)],
    "no event_id": lambda rid: {k: v for k, v in good_envelope(rid).items() if k != "event_id"},
    "unknown type": lambda rid: {**good_envelope(rid), "type": "intake_forgotten"},
    "bad data": lambda rid: {**good_envelope(rid), "data": {"fits": "perhaps"}},
    # the referral orders reports by occurred_at; a non-date would sort after every real one
    "occurred_at not a date": lambda rid: {**good_envelope(rid), "occurred_at": "soon"},
}


@pytest.mark.parametrize("make_body", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_envelope_is_parked_and_the_service_carries_on(service, api, amqp_uri,
                                                                   make_body):
    referral_id = submitted(api)
    body = make_body(referral_id)
    if isinstance(body, bytes):
        publish(amqp_uri, "matching", "intake_recorded", body,
                content_type="application/json", content_encoding="utf-8")
    else:
        publish(amqp_uri, "matching", "intake_recorded", body, serializer="json")
    parked = next_parked(amqp_uri)  # set aside with its reason, not silently dropped
    assert parked.headers[ERROR_HEADER].startswith("unreadable event")
    assert shown(api, referral_id)["status"] == "received"

    proposal = make_event("matching", "referral_waitlisted", referral_id, reason="no_candidate")
    deliver(service, amqp_uri, proposal)  # the next good event is still handled
    assert shown(api, referral_id)["status"] == "waitlisted"
