"""A notice as the referrer receives it: headers, subject, language, and no family data."""
from datetime import datetime, timezone

import pytest

from services.notify.domain import CLOSURE, START, Contact, Notice
from services.notify.message import compose
from tests.support.sample import referral_body

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
BODY = referral_body("HA-2026-0042")
FAMILY = BODY["family"]
REQUEST = BODY["request"]
# every string a family gave us, and a few we would be tempted to add
FAMILY_DATA = [FAMILY["contact_name"], "Yilmaz", FAMILY["phone"], FAMILY["postcode"],
               FAMILY["municipality"], REQUEST["question"], *REQUEST["domains"], "safety",
               "veiligheid", BODY["referrer"]["name"]]


def received(language="nl"):
    """The referral_received data as the referral service builds it — plus, to prove the point,
    the family's own details the event never carries."""
    referrer = BODY["referrer"]
    return {"external_ref": BODY["external_ref"], "programme": BODY["programme"],
            "referrer_email": referrer["email"], "referrer_language": language,
            "referrer_organisation": referrer["organisation"],
            "share_status_with_referrer": True, "partner": None, **FAMILY, **REQUEST}


def mail(kind, language="nl", outcome=None, coordinating_org="Home-Start Stichtse Vecht"):
    contact = Contact.from_event("5f0c1e2a-0000-4000-8000-000000000042", received(language))
    notice = Notice.decide(contact.referral_id, kind, "2026-11-20T09:30:00.000000Z", NOW,
                           contact, outcome=outcome, coordinating_org=coordinating_org)
    return compose(notice, contact, "kring@example.org", NOW)


@pytest.mark.parametrize("kind, language", [(START, "nl"), (START, "en"), (CLOSURE, "nl"),
                                            (CLOSURE, "en")])
def test_headers_name_the_referral_and_its_reference(kind, language):
    message = mail(kind, language, outcome="completed" if kind == CLOSURE else None)
    assert message["To"] == "j.devries@example.org"
    assert message["From"] == "kring@example.org"
    assert "5f0c1e2a-0000-4000-8000-000000000042" in message["Subject"]
    assert "HA-2026-0042" in message["Subject"]
    assert message["X-Kring-Notice"] == kind
    assert message["X-Kring-Referral"] == "5f0c1e2a-0000-4000-8000-000000000042"
    assert message["Message-ID"] == f"<5f0c1e2a-0000-4000-8000-000000000042.{kind}@kring>"
    assert message["Content-Language"] == language


@pytest.mark.parametrize("kind, language, outcome, expected", [
    (START, "nl", None, ["De ondersteuning voor uw aanmelding is gestart", "20 november 2026"]),
    (START, "en", None, ["Support for your referral has started", "20 November 2026"]),
    (CLOSURE, "nl", "declined", ["afgesloten", "niet gestart", "20 november 2026"]),
    (CLOSURE, "en", "withdrawn", ["has been closed", "withdrawn", "20 November 2026"]),
    (CLOSURE, "en", "completed", ["closed", "completed"]),
])
def test_the_body_in_the_referrers_language_names_only_the_referral(kind, language, outcome,
                                                                     expected):
    message = mail(kind, language, outcome)
    text = message.get_content()
    for fact in ("5f0c1e2a-0000-4000-8000-000000000042", "HA-2026-0042", "home-start",
                 "Home-Start Stichtse Vecht", *expected):
        assert fact in text
    for secret in FAMILY_DATA:
        assert secret not in text and secret not in message.as_string()


def test_the_programme_stands_in_for_an_unknown_coordinating_organisation():
    text = mail(CLOSURE, "en", "declined", coordinating_org=None).get_content()
    assert "Coordinating organisation:  home-start" in text


def test_a_line_break_in_the_reference_cannot_add_headers():
    data = dict(received(), external_ref="HA-1\r\nBcc: everyone@example.org")
    contact = Contact.from_event("r-1", data)
    notice = Notice.decide("r-1", START, "2026-11-20T09:30:00Z", NOW, contact)
    message = compose(notice, contact, "kring@example.org", NOW)
    assert message["Bcc"] is None and "HA-1 Bcc:" in message["Subject"]
