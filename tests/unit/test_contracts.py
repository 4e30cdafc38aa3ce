"""The contracts: event envelopes, the submitReferral body, and the OpenAPI document."""
import json
from datetime import date

import pytest
from marshmallow import ValidationError

from kring.contracts.api import OPERATIONS
from kring.contracts.events import EVENTS, Event, EventContractError, make_event, read_event
from kring.contracts.openapi import build_openapi
from kring.contracts.referral import SubmitReferral
from tests.support.sample import changed, referral_body

MISSING = ["Missing data for required field."]


# --- events -------------------------------------------------------------------------------

def intake(**data):
    return make_event("matching", "intake_recorded", "r-1",
                      **{"fits": True, "severity": "low", "coordinator_org": "hs-oost", **data})


def over_the_wire(event):
    return json.loads(json.dumps(event.to_message()))


def test_make_event_validates_and_fills_the_envelope():
    event = intake(severity="medium")
    assert (event.source, event.type, event.referral_id, event.version) == (
        "matching", "intake_recorded", "r-1", 1)
    assert event.data == {"fits": True, "severity": "medium", "coordinator_org": "hs-oost"}
    assert event.occurred_at.endswith("Z") and event.event_id != intake().event_id


def test_make_event_turns_data_into_json_types():
    event = make_event("aftercare", "aftercare_started", "r-1", aftercare_id="a-1",
                       ends_on=date(2027, 3, 1))
    assert event.data["ends_on"] == "2027-03-01"
    json.dumps(event.to_message())  # no TypeError: it can go on the wire as it is


@pytest.mark.parametrize("source,event_type", [
    ("matching", "case_started"),  # a real event, from another source
    ("matching", "intake_done"), ("nobody", "referral_received")])
def test_make_event_refuses_events_outside_the_contracts(source, event_type):
    with pytest.raises(EventContractError, match="no event"):
        make_event(source, event_type, "r-1")


@pytest.mark.parametrize("data", [
    {"fits": "maybe"}, {"severity": "extreme"}, {"coordinator_org": None},
    {"unexpected": "field"}])
def test_make_event_refuses_bad_data(data):
    with pytest.raises(EventContractError, match="intake_recorded"):
        intake(**data)


def test_make_event_refuses_missing_data():
    with pytest.raises(EventContractError):
        make_event("matching", "intake_recorded", "r-1", fits=True)


def test_an_envelope_reads_back_as_the_same_event():
    event = intake()
    assert read_event(over_the_wire(event)) == event


def test_read_event_loads_data_with_its_schema():
    event = make_event("aftercare", "aftercare_started", "r-1", aftercare_id="a-1",
                       ends_on="2027-03-01")
    read = read_event(over_the_wire(event))
    assert isinstance(read, Event) and read.data["ends_on"] == date(2027, 3, 1)


def test_read_event_leaves_out_fields_it_does_not_know():
    """A newer producer's extra field (in data or in the envelope) must not make this
    consumer park the event as poison during a rolling upgrade."""
    event = intake()
    message = over_the_wire(event)
    message["trace_id"] = "t-1"
    message["data"]["added_in_a_later_version"] = True
    assert read_event(message) == event


# Every field of every event, by what it holds: ids, codes, flags, dates and the route. Free
# text and contact details only where the consumer needs them (docs/contract.md §7 "Data in
# motion"): the referrer's address, language and reference for notify, the requester's address
# and language of an answered consultation for notify, and the name of the organisation a case
# is handed over to for aftercare, and the applicant's address, language and confirmation token
# of a family's own application for notify's e-mail. A new field must be placed here.
NEEDED_TEXT = {("referral_received", "referrer_email"), ("referral_received", "external_ref"),
               ("referral_received", "referrer_language"),
               ("referral_received", "referrer_organisation"),
               ("consultation_answered", "requester_email"),
               ("consultation_answered", "requester_language"),
               ("case_handed_over", "receiving_name"),
               # the support figures who stay, with consent (docs/contract.md §7)
               ("case_handed_over", "support_figures"),
               ("self_referral_submitted", "applicant_email"),
               ("self_referral_submitted", "applicant_language"),
               ("self_referral_submitted", "token")}
CODES_AND_IDS = {
    "programme", "organisation", "municipality", "languages", "domains", "urgency",
    "share_status_with_referrer", "partner", "family_key", "coordinating_org",
    "municipality_code", "by_role", "outcome", "case_started_at", "fits", "severity",
    "coordinator_org", "proposal_id", "supporter_id", "party", "reason", "supporter_kind",
    "case_id", "immediate", "goals_met", "receiving_kind", "aftercare_id", "ends_on",
    "erased_at", "round", "commission_required", "self_referred", "expires_at"}


def test_events_carry_codes_and_ids_and_only_the_text_a_consumer_needs():
    fields = {(event_type, name) for (_, event_type), schema in EVENTS.items()
              for name in schema().fields}
    assert {name for _, name in fields - NEEDED_TEXT} <= CODES_AND_IDS
    assert {event_type for event_type, name in fields if name == "reason"} == {
        "referral_waitlisted"}  # a code there (WAITLIST_REASONS); words nowhere


@pytest.mark.parametrize("event_type,data", [
    ("referral_withdrawn", {"by_role": "family", "reason": "we manage now"}),
    ("referral_closed", {"outcome": "declined", "reason": "outside the programme"}),
    ("intake_recorded", {"fits": False, "severity": None, "reason": "elsewhere",
                         "coordinator_org": "hs-oost"}),
    ("proposal_made", {"proposal_id": "p-1", "supporter_id": "s-1", "reasons": ["speaks tr"]}),
])
def test_events_sent_with_the_words_they_no_longer_carry_still_read(event_type, data):
    source = next(source for source, type_ in EVENTS if type_ == event_type)
    message = {"event_id": "e-1", "type": event_type, "version": 1, "source": source,
               "occurred_at": "2026-03-01T09:00:00+00:00", "referral_id": "r-1", "data": data}
    read = read_event(message).data
    assert "reason" not in read and "reasons" not in read


@pytest.mark.parametrize("change", [
    lambda m: m.pop("event_id"),
    lambda m: m.pop("data"),
    lambda m: m.update(type="no_such_event"),
    lambda m: m.update(source="casework"),
    lambda m: m.update(data={"fits": "maybe", "coordinator_org": "x"}),
    lambda m: m.update(version="one"),
    # the referral orders a stage's reports by occurred_at: it must be a moment in time
    lambda m: m.update(occurred_at="not a date"),
], ids=["no event_id", "no data", "unknown type", "wrong source", "bad data", "bad version",
        "occurred_at not a date"])
def test_read_event_refuses_a_broken_envelope(change):
    message = over_the_wire(intake())
    change(message)
    with pytest.raises((ValidationError, KeyError)):
        read_event(message)


# --- the submitReferral body --------------------------------------------------------------

def load(body):
    return SubmitReferral().load(body)


def errors_of(body):
    with pytest.raises(ValidationError) as caught:
        load(body)
    return caught.value.messages


def at_path(messages, path):
    for key in path:
        messages = messages[key]
    return messages


def test_a_valid_body_loads():
    loaded = load(referral_body())
    assert loaded["external_ref"] == "HA-2026-0042"
    assert loaded["consent"]["given_on"] == date(2026, 11, 20)


def test_the_postcode_is_normalised():
    assert load(changed(("family", "postcode"), "3581 ab"))["family"]["postcode"] == "3581AB"


def test_optional_fields_get_their_defaults():
    body = changed(("request", "urgency"), delete=True)
    del body["referrer"]["language"], body["family"]["children_ages"]
    loaded = load(body)
    assert loaded["request"]["urgency"] == "normal"
    assert loaded["referrer"]["language"] == "nl"
    assert loaded["family"]["children_ages"] == []


REQUIRED = [
    ("programme",), ("external_ref",), ("referrer",), ("family",), ("request",), ("consent",),
    ("referrer", "name"), ("referrer", "organisation"), ("referrer", "role"),
    ("referrer", "email"),
    ("family", "contact_name"), ("family", "phone"), ("family", "postcode"),
    ("family", "municipality"), ("family", "languages"),
    ("request", "question"), ("request", "domains"),
    ("consent", "family_consents"), ("consent", "share_status_with_referrer"),
    ("consent", "given_on"),
]


@pytest.mark.parametrize("path", REQUIRED, ids=".".join)
def test_each_required_field(path):
    assert errors_of(changed(path, delete=True)) == at_path_dict(path, MISSING)


def at_path_dict(path, leaf):
    """{path[0]: {path[1]: … leaf}}: the whole error document for one bad field."""
    for key in reversed(path):
        leaf = {key: leaf}
    return leaf


@pytest.mark.parametrize("path", [("nickname",), ("family", "name"), ("consent", "signed")],
                         ids=".".join)
def test_an_unknown_field_is_an_error(path):
    assert errors_of(changed(path, "x")) == at_path_dict(path, ["Unknown field."])


# marshmallow's own Boolean would read "yes", "1" and 1 as consent; only JSON true is consent
@pytest.mark.parametrize("value", [False, None, "yes", "true", 1, "1", "on"])
def test_without_the_familys_consent_it_is_refused(value):
    messages = at_path(errors_of(changed(("consent", "family_consents"), value)),
                       ("consent", "family_consents"))
    assert messages and all(isinstance(text, str) for text in messages)
    if value is False:
        assert messages == ["the family must consent: support is voluntary"]


@pytest.mark.parametrize("path,value", [
    (("referrer", "email"), "not-an-address"),
    (("referrer", "email"), "a@"),
    (("family", "phone"), "call me"),
    (("family", "phone"), "12"),
    (("family", "postcode"), "0123AB"),
    (("family", "postcode"), "3581"),
    (("family", "postcode"), "3581 A1"),
    (("family", "languages"), ["NL"]),
    (("family", "languages"), ["dutch"]),
    (("family", "languages"), []),
    (("referrer", "language"), "de"),
    (("programme",), "Home Start"),
    (("consent", "given_on"), "20-11-2026"),
    (("family", "children_ages"), [2, "5"]),
], ids=lambda v: v if isinstance(v, str) else None)
def test_invalid_values_are_errors_at_their_field(path, value):
    messages = errors_of(changed(path, value))
    assert list(messages) == [path[0]]
    assert at_path(messages, path)


# --- the OpenAPI document -----------------------------------------------------------------

@pytest.fixture(scope="module")
def document():
    return build_openapi()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_names_every_referral_operation(document):
    named = {op["operationId"]: (method, path) for path, method, op in operations(document)}
    assert named["submitReferral"] == ("post", "/api/v1/referrals")
    assert named["getReferral"] == ("get", "/api/v1/referrals/{referral_id}")
    assert named["withdrawReferral"] == ("post", "/api/v1/referrals/{referral_id}/withdraw")
    assert named["getHealth"] == ("get", "/api/v1/health")
    assert named["getOpenApi"] == ("get", "/api/v1/openapi.json")
    assert document["openapi"].startswith("3.")


def test_paths_use_openapi_parameters(document):
    for path, _, operation in operations(document):
        assert "<" not in path and ">" not in path
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == set(part[1:-1] for part in path.split("/")
                               if part.startswith("{"))


def test_protected_operations_need_a_bearer_token(document):
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    protected = 0
    for _, _, operation in operations(document):
        if OPERATIONS[operation["operationId"]].public:
            assert operation["security"] == []
            continue
        protected += 1
        assert operation["security"] == [{"bearer": []}], operation["operationId"]
        assert {"401", "403"} <= set(operation["responses"]), operation["operationId"]
    assert protected >= 3


def test_the_document_is_json(document):
    assert json.loads(json.dumps(document)) == document


def test_a_quorum_delay_queue_dead_letters_at_least_once_and_a_classic_one_as_before():
    from kring.contracts.topology import delay_queue_arguments, queue_arguments
    assert queue_arguments("classic") == {}  # what classic queues were always declared with
    assert delay_queue_arguments("q", 0.05, "classic") == {
        "x-message-ttl": 50, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": "q"}
    assert delay_queue_arguments("q", 5, "quorum") == {
        "x-queue-type": "quorum", "x-message-ttl": 5000, "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "q", "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish"}
