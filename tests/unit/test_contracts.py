"""The contracts: event envelopes, the submitReferral body, and the OpenAPI document."""
import json
from datetime import date

import pytest
from marshmallow import ValidationError

from kring.contracts.api import OPERATIONS
from kring.contracts.events import Event, EventContractError, make_event, read_event
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
    event = intake(reason="fits well")
    assert (event.source, event.type, event.referral_id, event.version) == (
        "matching", "intake_recorded", "r-1", 1)
    assert event.data == {"fits": True, "severity": "low", "reason": "fits well",
                          "coordinator_org": "hs-oost"}
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
