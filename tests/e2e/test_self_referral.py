"""A family applies itself (docs/contract.md §4 "Self-referral") end to end: all five services,
a real SMTP server, the public API. The applicant reads the confirmation e-mail, confirms with
its token, the loop runs to closed as for any referral, and the start and closure notices come
to the applicant's address in its language. Confirming again changes nothing; too many
applications from one address are refused with 429."""
import logging
import re

import pytest

from kring.client import COORDINATING_ORG
from kring.demo import Demo
from tests.support.api import TEST_SECRET, token as api_token
from tests.support.sample import self_referral_body
from tests.support.walker import Walker
from tests.support.waiting import eventually

APPLICANT = "ouder.yilmaz@example.org"
FAMILY_DATA = ("Yilmaz", "+31612345678", "3581AB", "Support with parenting")
LINK = re.compile(r"(\S+/api/v1/self-referrals/confirmation\?token=)(\S+)")


@pytest.fixture
def base(stack_api):
    return stack_api.base.rsplit("/api/v1", 1)[0]


@pytest.fixture
def walker(base):
    walker = Walker(base, TEST_SECRET)
    yield walker
    walker.close()


def apply(stack_api, client="203.0.113.10", **fields):
    return stack_api.post("/self-referrals", json=self_referral_body(**fields),
                          headers={"X-Forwarded-For": client})


def mails_to(smtp, address, kind):
    return [m for m in smtp.messages() if m["To"] == address and m["X-Kring-Notice"] == kind]


def text_of(mail):
    return mail.get_payload(decode=True).decode("utf-8")


def test_a_family_applies_confirms_and_hears_of_start_and_closure(
        stack_api, smtp, base, walker, caplog):
    caplog.set_level(logging.DEBUG)  # whatever any library logs, the token is not in it
    answer = apply(stack_api, email=APPLICANT, language="en")
    assert (answer.status_code, answer.json()) == (202, {"status": "awaiting_confirmation"})
    (mail,) = eventually(lambda: mails_to(smtp, APPLICANT, "confirmation"),
                         what="the confirmation e-mail")
    assert mail["Content-Language"] == "en"
    body = text_of(mail)
    link, token = LINK.search(body).groups()
    assert link.startswith("http://localhost:8000/")  # KRING_PUBLIC_URL's default
    assert f"code when you confirm: {token}" in body
    assert "/api/v1/programmes/home-start/leaflet?language=en" in body

    made = stack_api.post("/self-referrals/confirmation", json={"token": token})
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    again = stack_api.post("/self-referrals/confirmation", json={"token": token})
    assert (again.status_code, again.json()) == (200, made.json())
    page = stack_api.get("/self-referrals/confirmation", params={"token": token})
    assert page.status_code == 200 and referral_id in page.text

    Demo(base, TEST_SECRET).register_supporters()
    assert walker.walk([referral_id], timeout=90) == [], walker.errors
    referral = walker.referral(referral_id)
    assert (referral["status"], referral["outcome"]) == ("closed", "completed")
    assert referral["self_referred"] is True and referral["applicant"]["email"] == APPLICANT
    assert "in_progress" in [entry["status"] for entry in referral["timeline"]]

    start, closure = eventually(
        lambda: (lambda found: found if len(found) == 2 else None)(
            [m for m in smtp.messages() if m["X-Kring-Referral"] == referral_id]),
        what="the start and closure notices")
    start, closure = sorted((start, closure), key=lambda m: m["X-Kring-Notice"] != "start")
    for notice, kind in ((start, "start"), (closure, "closure")):
        assert (notice["To"], notice["X-Kring-Notice"]) == (APPLICANT, kind)
        assert notice["Content-Language"] == "en" and referral_id in notice["Subject"]
        for secret in FAMILY_DATA:
            assert secret not in notice.as_string(), f"{secret!r} leaked into {kind}"
    assert "your support has started" in start["Subject"]
    # exactly one confirmation, whatever was confirmed again
    assert len(mails_to(smtp, APPLICANT, "confirmation")) == 1
    # the figures count it as self-referred, anonymously: one family is "< 5"
    figures = stack_api.get("/reports", api_token("kring-platform", "operator"),
                            params={"period": "year", "programme": "home-start"}).json()
    assert [row["self_referred"] for row in figures["rows"]
            if row["municipality"] == "GM0344"] == ["< 5"]  # Utrecht, as the sample says
    # the services' logs (urllib3's are the test's own client's, which asked with the link)
    logged = "\n".join(record.getMessage() for record in caplog.records
                       if not record.name.startswith("urllib3"))
    assert token not in logged and APPLICANT not in logged


def test_the_limits_answer_429_with_retry_after(stack_api):
    for number in range(5):
        answer = apply(stack_api, client="203.0.113.20", email=f"p{number}@example.org")
        assert answer.status_code == 202, answer.text
    refused = apply(stack_api, client="203.0.113.20", email="p5@example.org")
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    for number in range(3):
        assert apply(stack_api, client=f"203.0.113.{30 + number}",
                     email="same@example.org").status_code == 202
    again = apply(stack_api, client="203.0.113.40", email="same@example.org")
    assert again.status_code == 429 and "Retry-After" in again.headers


def test_an_unknown_token_is_a_404_never_a_500(stack_api):
    for token in ("x", "a" * 100, "../../etc/passwd"):
        answer = stack_api.post("/self-referrals/confirmation", json={"token": token})
        assert answer.status_code == 404, answer.text


def test_the_applicants_address_is_in_the_export_and_gone_after_the_erasure(stack_api, smtp):
    assert apply(stack_api, client="203.0.113.50", email="wissen@example.org").status_code == 202
    (mail,) = eventually(lambda: mails_to(smtp, "wissen@example.org", "confirmation"),
                         what="the confirmation e-mail")
    token = LINK.search(text_of(mail)).group(2)
    referral_id = stack_api.post("/self-referrals/confirmation",
                                 json={"token": token}).json()["referral_id"]
    admin = api_token(COORDINATING_ORG, "admin")

    def exported():
        answer = stack_api.get(f"/referrals/{referral_id}/export", admin)
        return answer.json() if answer.status_code == 200 else None

    before = eventually(lambda: (lambda found: found if found and found["services"]["notify"]
                                 else None)(exported()), what="the export with notify's part")
    assert before["services"]["referral"]["referral"]["applicant"]["email"] == \
        "wissen@example.org"
    assert before["services"]["referral"]["referral"]["self_referred"] is True
    assert before["services"]["notify"]["contact"]["email"] == "wissen@example.org"
    erased = stack_api.post(f"/referrals/{referral_id}/erasure", admin,
                            json={"reason": "asked by the family"})
    assert erased.status_code == 202, erased.text
    eventually(lambda: stack_api.post(f"/referrals/{referral_id}/erasure", admin,
                                      json={"reason": "again"}).json()["complete"],
               what="every service to report its part erased")
    after = exported()
    assert "wissen@example.org" not in str(after) and "Yilmaz" not in str(after)
    assert after["services"]["referral"]["referral"]["self_referred"] is True
