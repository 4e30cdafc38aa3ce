"""The referral and intake forms as API bodies, and the API's 422 errors at the fields."""
from werkzeug.datastructures import MultiDict

from services.portal.forms import (GENERAL, INTAKE_FIELDS, REFERRAL_FIELDS, answer_body,
                                   answer_errors, answer_fields, field_errors, intake_body,
                                   referral_body)

FILLED = {
    "programme": "home-start", "external_ref": "HA-1",
    "referrer.name": "Dr. Jansen", "referrer.organisation": "Huisartsen Oost",
    "referrer.role": "gp", "referrer.email": "jansen@example.org", "referrer.language": "en",
    "family.contact_name": "Fam. Yilmaz", "family.phone": "06 12345678",
    "family.postcode": "3511 AB", "family.municipality": "Utrecht",
    "family.languages": "nl, tr", "family.children_ages": "2 5",
    "request.question": "  Ouders willen hulp bij opvoeding  ",
    "request.domains": "parenting finances", "request.urgency": "high",
    "consent.family_consents": "yes", "consent.share_status_with_referrer": "yes",
    "consent.given_on": "2026-11-30",
}


def test_a_filled_form_is_the_body_submitreferral_takes():
    assert referral_body(MultiDict(FILLED)) == {
        "programme": "home-start", "external_ref": "HA-1",
        "referrer": {"name": "Dr. Jansen", "organisation": "Huisartsen Oost", "role": "gp",
                     "email": "jansen@example.org", "language": "en"},
        "family": {"contact_name": "Fam. Yilmaz", "phone": "06 12345678",
                   "postcode": "3511 AB", "municipality": "Utrecht", "languages": ["nl", "tr"],
                   "children_ages": [2, 5]},
        "request": {"question": "Ouders willen hulp bij opvoeding",
                    "domains": ["parenting", "finances"], "urgency": "high"},
        "consent": {"family_consents": True, "share_status_with_referrer": True,
                    "given_on": "2026-11-30"},
    }


def test_empty_boxes_are_left_out_for_the_api_to_say_so_and_unticked_consent_is_false():
    body = referral_body(MultiDict({"programme": "home-start", "family.phone": "  "}))
    assert body["programme"] == "home-start"
    assert "phone" not in body["family"]
    assert body["family"]["children_ages"] == []  # none: a family may have no children here
    assert body["consent"] == {"family_consents": False, "share_status_with_referrer": False}


def test_an_age_that_is_no_number_goes_to_the_api_as_typed():
    body = referral_body(MultiDict({"family.children_ages": "3, drie"}))
    assert body["family"]["children_ages"] == [3, "drie"]


def test_the_apis_errors_land_at_their_fields_and_the_rest_above_the_form():
    errors = {"family": {"phone": ["not a phone number"], "children_ages": {"1": [
        "Not a valid integer."]}, "_schema": ["odd"]},
        "consent": {"family_consents": ["the family must consent: support is voluntary"]},
        "unknown": ["Unknown field."]}
    assert field_errors(errors, REFERRAL_FIELDS) == {
        "family.phone": ["not a phone number"],
        "family.children_ages": ["Not a valid integer."],
        "consent.family_consents": ["the family must consent: support is voluntary"],
        GENERAL: ["odd", "Unknown field."],
    }


def test_an_intake_form_is_recordintakes_body():
    assert intake_body("r-1", MultiDict({"fits": "yes", "severity": "medium",
                                         "reason": " met them "})) == {
        "referral_id": "r-1", "fits": True, "severity": "medium", "reason": "met them"}
    # it does not fit: no severity, whatever the select still says
    assert intake_body("r-1", MultiDict({"fits": "no", "severity": "high"})) == {
        "referral_id": "r-1", "fits": False}
    # nothing chosen: the API says `fits` is required
    assert intake_body("r-1", MultiDict({})) == {"referral_id": "r-1"}
    assert field_errors({"fits": ["Missing data for required field."]}, INTAKE_FIELDS) == {
        "fits": ["Missing data for required field."]}


def test_an_answer_form_is_respondtoproposals_body_for_its_party():
    form = MultiDict({"party": "family", "family.accept": "yes", "family.reason": " fine ",
                      "supporter.accept": "no"})
    assert answer_body("family", form) == {"party": "family", "accept": True, "reason": "fine"}
    assert answer_body("supporter", form) == {"party": "supporter", "accept": False}
    assert answer_body("family", MultiDict({"family.accept": "maybe"})) == {"party": "family"}


def test_the_apis_errors_of_an_answer_land_at_that_partys_fields():
    errors = {"accept": ["Missing data for required field."], "party": ["Must be one of"]}
    assert answer_fields("supporter") == ("supporter.accept", "supporter.reason")
    assert answer_errors("supporter", errors) == {
        "supporter.accept": ["Missing data for required field."], GENERAL: ["Must be one of"]}
    assert answer_errors("family", None) == {}
