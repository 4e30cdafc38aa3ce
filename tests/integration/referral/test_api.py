"""The referral API as a client sees it (docs/contract.md §4 and docs/contract.md §7): every
answer and every refusal, against the real service on the real broker, once on SQLite and once
on PostgreSQL.

The service starts with the tests' provider directory (tests/support/directory.py): the sample
referral, home-start in Utrecht, is routed to home-start-oost."""
import json
import time

import eventlet
import pytest
import requests

from kring.kit.auth import create_token
from services.referral.service import ReferralService
from tests.support.api import TEST_SECRET, Api, token
from tests.support.sample import changed, referral_body

REFERRER = token("huisarts-oost", "referrer")
OTHER_REFERRER = token("huisarts-west", "referrer")
COORDINATOR = token("home-start-oost", "coordinator")
SUPPORTER = token("home-start-oost", "supporter")
ADMIN = token("home-start-oost", "admin")
OTHER_COORDINATOR = token("home-start-west", "coordinator")
OTHER_ADMIN = token("home-start-west", "admin")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(autouse=True)
def service(container_factory, kring_config):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


def submit(api, body=None, who=REFERRER, **kwargs):
    if body is None and "data" not in kwargs:
        body = referral_body()
    return api.post("/referrals", who, json=body, **kwargs)


def submitted(api, body=None, who=REFERRER):
    """A new referral's id."""
    answer = submit(api, body, who)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "received"
    return answer.json()["referral_id"]


def withdraw(api, referral_id, who=REFERRER, body=None, **kwargs):
    return api.post(f"/referrals/{referral_id}/withdraw", who, json=body or {}, **kwargs)


def assert_error(answer, status, code=None):
    """A JSON error answer (never HTML, never a stack trace) with the contract's status."""
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    payload = answer.json()
    assert isinstance(payload["message"], str) and "Traceback" not in answer.text
    if code:
        assert payload["error"] == code
    return payload


def expired_token():
    return create_token(TEST_SECRET, "huisarts-oost", "referrer", "anna", ttl=60,
                        now=time.time() - 3600)


# --- 400: malformed JSON ------------------------------------------------------------------

MALFORMED = {
    "truncated": b'{"programme": "home-start", "external_ref": ',
    "not utf-8": b'{"programme": "home-start", "external_ref": "\xff\xfe\xfa"}',
    "latin-1": '{"external_ref": "café"}'.encode("latin-1"),
    "single quotes": b"{'programme': 'home-start'}",
    "trailing comma": b'{"programme": "home-start",}',
    "two documents": b'{"a": 1}{"b": 2}',
    "bare word": b"referral",
    "xml": b"<referral><programme>home-start</programme></referral>",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_is_400(api, raw):
    assert_error(submit(api, data=raw, headers={"Content-Type": "application/json"}),
                 400, "malformed")


def test_malformed_json_on_withdraw_is_400(api):
    referral_id = submitted(api)
    answer = api.post(f"/referrals/{referral_id}/withdraw", REFERRER, data=MALFORMED["truncated"],
                      headers={"Content-Type": "application/json"})
    assert_error(answer, 400, "malformed")
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["status"] == "received"


def test_a_body_over_the_limit_is_400(api):
    body = referral_body(external_ref="x" * (300 * 1024))
    assert_error(submit(api, body), 400, "malformed")


def chunks(body, size=1000):
    """The body sent in chunks, without a Content-Length (Transfer-Encoding: chunked)."""
    raw = json.dumps(body).encode()
    return (raw[start:start + size] for start in range(0, len(raw), size))


def test_a_body_sent_in_chunks_is_read_as_a_whole(api):
    answer = api.post("/referrals", REFERRER, data=chunks(referral_body("CH-1")),
                      headers={"Content-Type": "application/json"})
    assert answer.status_code == 201, answer.text
    referral_id = answer.json()["referral_id"]
    withdrawn = api.post(f"/referrals/{referral_id}/withdraw", REFERRER,
                         data=chunks({"by": "family"}))
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["timeline"][-2]["detail"] == "by family"


def test_a_body_in_chunks_over_the_limit_is_400(api):
    body = referral_body(external_ref="x" * (300 * 1024))
    assert_error(api.post("/referrals", REFERRER, data=chunks(body, 64 * 1024)), 400,
                 "malformed")


# --- 401: no or bad token -----------------------------------------------------------------

BAD_AUTHORIZATION = {
    "none": None,
    "bad signature": "Bearer " + create_token("another-key-that-is-long-enough-to-sign",
                                              "huisarts-oost", "referrer", "anna"),
    "expired": "Bearer " + expired_token(),
    "basic scheme": "Basic " + REFERRER,
    "garbage": "Bearer not.a.token",
    "scheme only": "Bearer",
}


def call_with_authorization(api, call, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    if call == "submit":
        return api.post("/referrals", json=referral_body(), headers=headers)
    referral_id = submitted(api)
    if call == "get":
        return api.get(f"/referrals/{referral_id}", headers=headers)
    return api.post(f"/referrals/{referral_id}/withdraw", json={}, headers=headers)


@pytest.mark.parametrize("call", ["submit", "get", "withdraw"])
@pytest.mark.parametrize("authorization", BAD_AUTHORIZATION.values(),
                         ids=BAD_AUTHORIZATION.keys())
def test_no_or_bad_token_is_401(api, call, authorization):
    answer = call_with_authorization(api, call, authorization)
    assert_error(answer, 401, "unauthenticated")
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_refused_submission_stores_nothing(api):
    api.post("/referrals", json=referral_body(), headers={"Authorization": "Bearer x"})
    assert submit(api).status_code == 201  # the first real one is new


# --- 403: a role that may never do this -------------------------------------------------

@pytest.mark.parametrize("who", [SUPPORTER, COORDINATOR, ADMIN],
                         ids=["supporter", "coordinator", "admin"])
def test_only_referrers_submit(api, who):
    assert_error(submit(api, who=who), 403, "forbidden")


def test_a_supporter_may_not_read_a_referral(api):
    assert_error(api.get(f"/referrals/{submitted(api)}", SUPPORTER), 403, "forbidden")


@pytest.mark.parametrize("who", [SUPPORTER, ADMIN], ids=["supporter", "admin"])
def test_only_referrers_and_coordinators_withdraw(api, who):
    referral_id = submitted(api)
    assert_error(withdraw(api, referral_id, who), 403, "forbidden")
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["status"] == "received"


# --- 404: outside the caller's reach, word for word as an unknown id -----------------------

def unknown_answer(api, path, who, method="GET"):
    """The answer to `path` with the unknown id in place of the real one."""
    referral_id = path.split("/")[2]
    return api.call(method, path.replace(referral_id, UNKNOWN_ID), who, json={}).json()


@pytest.mark.parametrize("who", [OTHER_REFERRER, OTHER_COORDINATOR, OTHER_ADMIN],
                         ids=["another referrer", "another coordinator", "another admin"])
def test_another_organisation_reads_or_withdraws_nothing_and_learns_nothing(api, who):
    referral_id = submitted(api)
    shown = api.get(f"/referrals/{referral_id}", who)
    assert_error(shown, 404, "not_found")
    assert shown.json()["message"].replace(referral_id, UNKNOWN_ID) == unknown_answer(
        api, f"/referrals/{referral_id}", who)["message"]
    if who != OTHER_ADMIN:  # admins never withdraw (403 for every id)
        refused = withdraw(api, referral_id, who)
        assert_error(refused, 404, "not_found")
        assert refused.json()["message"].replace(referral_id, UNKNOWN_ID) == unknown_answer(
            api, f"/referrals/{referral_id}/withdraw", who, "POST")["message"]
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["status"] == "received"


# --- 404, 409 -----------------------------------------------------------------------------

@pytest.mark.parametrize("referral_id", [UNKNOWN_ID, "not-a-uuid", "x" * 300])
def test_an_unknown_referral_is_404(api, referral_id):
    assert_error(api.get(f"/referrals/{referral_id}", REFERRER), 404, "not_found")
    assert_error(api.get(f"/referrals/{referral_id}", COORDINATOR), 404, "not_found")
    assert_error(withdraw(api, referral_id), 404, "not_found")


def test_withdrawing_twice_is_409(api):
    referral_id = submitted(api)
    assert withdraw(api, referral_id).status_code == 200
    assert_error(withdraw(api, referral_id), 409, "conflict")
    assert_error(withdraw(api, referral_id, COORDINATOR), 409, "conflict")
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["outcome"] == "withdrawn"


# --- 422: invalid fields ------------------------------------------------------------------

def errors(answer):
    payload = assert_error(answer, 422, "invalid")
    assert isinstance(payload["errors"], dict)
    return payload["errors"]


def test_no_consent_is_422(api):
    found = errors(submit(api, changed(("consent", "family_consents"), False)))
    assert found == {"consent": {"family_consents": [
        "the family must consent: support is voluntary"]}}


@pytest.mark.parametrize("path,value", [
    (("referrer", "email"), "not-an-address"),
    (("family", "postcode"), "ABCD12"),
    (("family", "phone"), "call me"),
    (("family", "languages"), []),
    (("programme",), None),
    (("request", "urgency"), "yesterday"),
], ids=lambda v: ".".join(v) if isinstance(v, tuple) else None)
def test_an_invalid_field_is_422_at_that_field(api, path, value):
    found = errors(submit(api, changed(path, value)))
    for key in path:
        found = found[key]
    assert isinstance(found, list) and all(isinstance(m, str) for m in found) and found


def test_missing_and_unknown_fields_are_all_reported(api):
    body = referral_body()
    del body["consent"], body["family"]["phone"]
    body["family_name"] = "Yilmaz"
    assert errors(submit(api, body)) == {
        "consent": ["Missing data for required field."],
        "family": {"phone": ["Missing data for required field."]},
        "family_name": ["Unknown field."]}


@pytest.mark.parametrize("raw", ["[]", "[1, 2]", '"a referral"', "42", "null", "true"])
def test_a_body_that_is_not_an_object_is_422(api, raw):
    found = errors(submit(api, data=raw, headers={"Content-Type": "application/json"}))
    assert list(found) == ["_schema"]


def test_an_empty_body_is_422_with_every_required_field(api):
    found = errors(submit(api, data=b"", headers={"Content-Type": "application/json"}))
    assert set(found) == {"programme", "external_ref", "referrer", "family", "request",
                          "consent"}


def test_an_invalid_withdrawal_is_422(api):
    referral_id = submitted(api)
    assert set(errors(withdraw(api, referral_id, body={"by": "the-mayor"}))) == {"by"}
    assert set(errors(withdraw(api, referral_id, body={"why": "x"}))) == {"why"}
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["status"] == "received"


# --- submission: once per external_ref and organisation -----------------------------------

def test_the_same_external_ref_again_returns_the_first_referral(api):
    referral_id = submitted(api)
    again = submit(api)
    assert again.status_code == 200, again.text
    assert again.json() == {"referral_id": referral_id, "status": "received"}


def test_another_organisation_with_the_same_external_ref_gets_its_own_referral(api):
    ours = submitted(api)
    theirs = submitted(api, who=OTHER_REFERRER)
    assert theirs != ours
    assert api.get(f"/referrals/{theirs}", OTHER_REFERRER).status_code == 200
    assert api.get(f"/referrals/{ours}", OTHER_REFERRER).status_code == 404


def test_a_different_external_ref_is_a_new_referral(api):
    assert submitted(api) != submitted(api, referral_body("HA-2026-0043"))


def test_simultaneous_duplicates_make_one_referral(web_config_port):
    sessions = [Api(web_config_port) for _ in range(20)]  # a connection each

    def one(client):
        answer = client.post("/referrals", REFERRER, json=referral_body("HA-RACE"))
        return answer.status_code, answer.json().get("referral_id")

    try:
        answers = list(eventlet.GreenPool(len(sessions)).imap(one, sessions))
    finally:
        for client in sessions:
            client.http.close()
    codes = sorted(code for code, _ in answers)
    assert codes == [200] * 19 + [201], answers
    assert len({referral_id for _, referral_id in answers}) == 1


# --- reading and withdrawing --------------------------------------------------------------

def test_what_a_referrer_and_a_coordinator_see(api):
    referral_id = submitted(api)
    seen_by_referrer = api.get(f"/referrals/{referral_id}", REFERRER)
    assert seen_by_referrer.status_code == 200, seen_by_referrer.text
    shown = seen_by_referrer.json()
    assert (shown["referral_id"], shown["status"], shown["outcome"]) == (
        referral_id, "received", None)
    assert (shown["proposal_id"], shown["case_id"], shown["aftercare_id"]) == (None, None, None)
    assert [(entry["status"], entry["detail"]) for entry in shown["timeline"]] == [
        ("received", "routed to home-start-oost")]
    assert shown["timeline"][0]["at"].endswith("Z")
    assert "family" not in shown and "request" not in shown and "consent" not in shown
    assert "Yilmaz" not in seen_by_referrer.text and "3581" not in seen_by_referrer.text

    for who in (COORDINATOR, ADMIN):  # of the organisation it is routed to
        full = api.get(f"/referrals/{referral_id}", who).json()
        assert full["family"]["contact_name"] == "Fam. Yilmaz"
        assert full["family"]["postcode"] == "3581AB"
        assert full["request"]["question"] == "Support with parenting after a move"
        assert full["consent"]["share_status_with_referrer"] is True
        assert {k: v for k, v in full.items() if k not in ("family", "request", "consent")} \
            == shown


def withdrawn_timeline(shown):
    return [(entry["status"], entry["detail"]) for entry in shown["timeline"]]


def test_a_referrer_withdraws(api):
    referral_id = submitted(api)
    answer = withdraw(api, referral_id, body={"by": "family", "reason": "we manage now"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["outcome"]) == ("closed", "withdrawn")
    shown = api.get(f"/referrals/{referral_id}", REFERRER).json()
    assert (shown["status"], shown["outcome"]) == ("closed", "withdrawn")
    assert withdrawn_timeline(shown) == [("received", "routed to home-start-oost"),
                                         ("withdrawn", "by family"), ("closed", "withdrawn")]
    assert shown == answer.json()


def test_a_coordinator_withdraws_with_an_empty_body(api):
    referral_id = submitted(api)
    answer = api.post(f"/referrals/{referral_id}/withdraw", COORDINATOR)
    assert answer.status_code == 200, answer.text
    assert withdrawn_timeline(answer.json())[1:] == [("withdrawn", "by coordinator"),
                                                     ("closed", "withdrawn")]


@pytest.mark.parametrize("who,by,detail", [
    (REFERRER, None, "by referrer"), (REFERRER, "family", "by family"),
    (COORDINATOR, "family", "by family"), (COORDINATOR, "coordinator", "by coordinator")])
def test_who_withdrew_is_the_callers_role_or_the_family(api, who, by, detail):
    referral_id = submitted(api)
    answer = withdraw(api, referral_id, who, {"by": by} if by else None)
    assert answer.status_code == 200, answer.text
    assert withdrawn_timeline(answer.json())[1] == ("withdrawn", detail)


@pytest.mark.parametrize("who,by", [(REFERRER, "coordinator"), (COORDINATOR, "referrer")])
def test_nobody_withdraws_in_the_name_of_another_role(api, who, by):
    referral_id = submitted(api)
    found = errors(withdraw(api, referral_id, who, {"by": by}))
    assert list(found) == ["by"]
    assert api.get(f"/referrals/{referral_id}", REFERRER).json()["status"] == "received"


# --- routing: to the provider of the programme in the family's municipality ---------------

@pytest.mark.parametrize("written", ["Utrecht", " utrecht ", "GM0344", "Gemeente Utrecht"])
def test_a_referral_is_routed_by_its_municipality_however_it_is_written(api, written):
    referral_id = submitted(api, changed(("family", "municipality"), written))
    shown = api.get(f"/referrals/{referral_id}", COORDINATOR)
    assert shown.status_code == 200, shown.text
    assert shown.json()["timeline"][0]["detail"] == "routed to home-start-oost"
    assert api.get(f"/referrals/{referral_id}", OTHER_COORDINATOR).status_code == 404


def test_a_referral_goes_to_the_provider_of_its_municipality(api):
    referral_id = submitted(api, changed(("family", "municipality"), "Woerden"))
    assert api.get(f"/referrals/{referral_id}", OTHER_COORDINATOR).status_code == 200
    assert api.get(f"/referrals/{referral_id}", COORDINATOR).status_code == 404


def test_an_unknown_municipality_is_422_with_what_it_may_mean(api):
    found = errors(submit(api, changed(("family", "municipality"), "Utrect")))
    assert found == {"family": {"municipality": [
        "unknown municipality 'Utrect'; did you mean: Utrecht?"]}}


def test_a_municipality_without_a_provider_is_422_and_stores_nothing(api):
    body = changed(("family", "municipality"), "Amsterdam")
    assert errors(submit(api, body)) == {"programme": [
        "no organisation provides home-start in Amsterdam (GM0363)"]}
    assert errors(submit(api, referral_body(programme="family-help"))) == {"programme": [
        "no organisation provides family-help in Utrecht (GM0344)"]}
    assert submit(api).status_code == 201  # nothing of the refused ones was kept


# --- nothing a client sends gives a 5xx ---------------------------------------------------

def deep(depth, open_, close):
    return open_ * depth + close * depth


ODD_BODIES = {
    "nulls everywhere": {key: None for key in referral_body()},
    "nested nulls": referral_body(referrer=None, family={"contact_name": None,
                                                         "languages": [None]}),
    "numbers for strings": referral_body(external_ref=42, programme=3.5,
                                         referrer={"name": 1, "organisation": 2, "role": 3,
                                                   "email": 4, "language": 5}),
    "strings for objects": referral_body(family="Yilmaz", request="help", consent="yes"),
    "lists for objects": referral_body(family=[1, 2], request=[], consent=[True]),
    "objects for lists": changed(("family", "languages"), {"nl": True}),
    "wrong types in lists": changed(("family", "children_ages"), [None, "two", 2.5,
                                                                     [1], {"a": 1}, True]),
    "booleans as strings": changed(("consent", "family_consents"), "true "),
    "huge numbers": changed(("family", "children_ages"), [10 ** 300, -10 ** 300]),
    "float overflow": '{"external_ref": 1e999, "programme": -1e999}',
    "NaN": '{"external_ref": NaN, "family": {"children_ages": [Infinity]}}',
    "huge int literal": '{"external_ref": ' + "9" * 5000 + "}",
    "huge strings": referral_body(external_ref="x" * 100_000,
                                  request={"question": "?" * 100_000, "domains": ["x"]}),
    "many keys": {f"k{i}": i for i in range(5000)},
    "long lists": changed(("family", "languages"), ["nl"] * 20_000),
    "deep arrays": deep(50_000, "[", "]"),
    "deep objects": deep(20_000, '{"a":', "}"),
    "deep inside a field": '{"family": ' + deep(20_000, "[", "]") + "}",
    "moderately deep": json.dumps(referral_body(request=json.loads(deep(200, "[", "]")))),
    "unicode everywhere": referral_body(
        external_ref="ÄÖÜ-ŝ-✓-🙂-عربى-中文-\u202e-rtl",
        referrer={"name": "Jöhn 🙂", "organisation": "Ḣuisarts", "role": "gp",
                  "email": "jöhn@exämple.org", "language": "nl"}),
    "lone surrogate": '{"external_ref": "\\ud800", "programme": "home-start"}',
    "valid but lone surrogate": json.dumps(referral_body(external_ref="ref-\ud800")),
    "valid but NUL": json.dumps(referral_body(external_ref="ref-\u0000-x")),
    "NUL in family data": json.dumps(changed(("family", "contact_name"), "Fam.\u0000")),
    "BOM": "\ufeff" + json.dumps(referral_body("with-bom")),
    "utf-16": json.dumps(referral_body("utf-16")).encode("utf-16"),
    "only whitespace": " \n\t ",
    "duplicate keys": '{"external_ref": "a", "external_ref": {"b": 1}}',
    "odd withdrawal reason": json.dumps({"by": "family", "reason": "\ud800 \u0000 🙂"}),
}


def encoded(body):
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    return json.dumps(body).encode()


ODD_PATHS = ["%00", "%ED%A0%80", "%FF", "x" * 5000, "..%2F..%2Fetc%2Fpasswd", "%F0%9F%99%82",
             "a%20b", "🙂"]


def test_no_input_ever_gives_a_5xx(api):
    referral_id = submitted(api)
    answers = {}
    for name, body in ODD_BODIES.items():
        for path in ("/referrals", f"/referrals/{referral_id}/withdraw"):
            answer = api.post(path, REFERRER, data=encoded(body),
                              headers={"Content-Type": "application/json"})
            answers[f"POST {path} {name}"] = answer
    for odd in ODD_PATHS:
        answers[f"GET {odd[:20]}"] = api.get(f"/referrals/{odd}", COORDINATOR)
        answers[f"POST withdraw {odd[:20]}"] = withdraw(api, odd, COORDINATOR)
    answers["odd header"] = api.get(f"/referrals/{referral_id}",
                                    headers={"Authorization": "Bearer " + "é" * 10})
    answers["huge header"] = api.get(f"/referrals/{referral_id}",
                                     headers={"Authorization": "Bearer " + "a" * 8000})
    failures = [f"{name}: {answer.status_code} {answer.text[:80]}"
                for name, answer in answers.items()
                if answer.status_code >= 500
                or not answer.headers.get("Content-Type", "").startswith("application/json")]
    assert not failures, "\n".join(failures)


# --- routes -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nowhere", "/referrals/x/y/z", "/referrals/x/undo"])
def test_an_unknown_route_is_a_json_404(api, path):
    assert_error(api.get(path, REFERRER), 404, "not_found")
    assert_error(api.post(path, REFERRER, json={}), 404, "not_found")


@pytest.mark.parametrize("path", ["/nowhere", "/referrals//{id}", "/referrals/{id}/"])
def test_what_the_router_answers_a_signed_in_caller_is_not_cached_either(api, path):
    answer = api.get(path.format(id=submitted(api)), REFERRER, allow_redirects=False)
    assert_error(answer, 404, "not_found")  # a redirect would lead nowhere of ours either
    assert answer.headers["Cache-Control"] == "no-store"
    assert api.call("DELETE", "/referrals", REFERRER).headers["Cache-Control"] == "no-store"


def test_an_unknown_route_outside_the_api_is_a_json_404(api):
    answer = requests.get(api.base.replace("/api/v1", "/index.html"), timeout=30)
    assert_error(answer, 404, "not_found")


@pytest.mark.parametrize("method,path,allowed", [
    ("DELETE", "/referrals/{id}", "GET"),
    ("PUT", "/referrals/{id}", "GET"),
    ("DELETE", "/referrals", "POST"),  # GET lists them (listReferrals)
    ("GET", "/referrals/{id}/withdraw", "POST"),
])
def test_a_wrong_method_is_405(api, method, path, allowed):
    answer = api.call(method, path.format(id=submitted(api)), REFERRER)
    assert_error(answer, 405)
    assert allowed in answer.headers["Allow"]
