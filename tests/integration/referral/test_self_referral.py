"""A family's own application over HTTP (docs/contract.md §4 "Self-referral"), against the real
referral service on the real broker, once on SQLite and once on PostgreSQL: the answer that
tells nothing, the sealed application and its token's hash, the e-mail's event, confirming
into a referral (once), the limits per address and per e-mail address (kept in the database,
so a restart does not reset them) and the sweep of what expired.

The service starts with the tests' provider directory (tests/support/directory.py): home-start
in Utrecht is provided by home-start-oost."""
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from kring.clock import utcnow
from kring.config import DATABASES_KEY
from kring.kit.db import UnitOfWork, make_engine
from services.referral import self_referral_handlers
from services.referral.models import ApplicationRow, metadata
from services.referral.outgoing import outgoing
from services.referral.self_referral import token_hash
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import listening_to
from tests.support.sample import self_referral_body
from tests.support.waiting import eventually

COORDINATOR = token("home-start-oost", "coordinator")
REFERRER = token("huisarts-oost", "referrer")
ADMIN = token("home-start-oost", "admin")


@pytest.fixture
def published(kring_config):
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture
def start(container_factory, kring_config, published):
    def started():
        container = container_factory(ReferralService, kring_config)
        container.start()
        return container
    return started


@pytest.fixture(autouse=True)
def service(start):
    return start()


@pytest.fixture
def engine(kring_config):
    engine = make_engine(kring_config[DATABASES_KEY]["referral"])
    yield engine
    engine.dispose()


def apply(api, body=None, client="192.0.2.1", **fields):
    return api.post("/self-referrals", json=body or self_referral_body(**fields),
                    headers={"X-Forwarded-For": client})


def applied(api, published, **fields):
    answer = apply(api, **fields)
    assert answer.status_code == 202, answer.text
    return published.next_of_type("self_referral_submitted")


def test_an_application_is_answered_alike_and_sends_the_token_to_the_applicant(
        api, published, engine):
    first = apply(api)
    again = apply(api)
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() == {"status": "awaiting_confirmation"}
    event = published.next_of_type("self_referral_submitted")
    data = event["data"]
    assert (data["applicant_email"], data["applicant_language"], data["programme"]) == (
        "ouder@example.org", "nl", "home-start")
    assert len(data["token"]) >= 40
    with engine.connect() as db:
        row = db.execute(text("SELECT token_hash, content, referral_id FROM "
                              "self_referral_applications WHERE id = :id"),
                         {"id": event["referral_id"]}).one()
    assert row.token_hash == token_hash(data["token"])  # the hash, never the token
    assert data["token"] not in str(row.content)
    for plain in ("ouder@example.org", "Yilmaz", "+31612345678", "parenting"):
        assert plain not in str(row.content), f"{plain!r} is not sealed"
    assert row.referral_id is None


def test_confirming_makes_the_referral_once_as_submitReferral_would(api, published):
    token_text = applied(api, published)["data"]["token"]
    made = api.post("/self-referrals/confirmation", json={"token": token_text})
    assert made.status_code == 201, made.text
    referral_id = made.json()["referral_id"]
    assert made.json() == {"referral_id": referral_id, "status": "received"}
    received = published.next_of_type("referral_received")
    assert received["referral_id"] == referral_id
    data = received["data"]
    assert data["self_referred"] is True
    assert (data["referrer_email"], data["referrer_language"]) == ("ouder@example.org", "nl")
    assert (data["coordinating_org"], data["municipality_code"]) == ("home-start-oost",
                                                                     "GM0344")
    again = api.post("/self-referrals/confirmation", json={"token": token_text})
    assert again.status_code == 200 and again.json() == made.json()
    link = api.get("/self-referrals/confirmation", params={"token": token_text})
    assert link.status_code == 200 and link.headers["Content-Type"].startswith("text/html")
    assert referral_id in link.text
    seen = api.get(f"/referrals/{referral_id}", COORDINATOR).json()
    assert seen["self_referred"] is True and "referrer" not in seen
    assert seen["applicant"]["email"] == "ouder@example.org"
    assert seen["family"]["contact_name"] == "Fam. Yilmaz"
    assert seen["consent"]["recorded_by"] == {"organisation": "public",
                                              "person": "applicant", "role": "public"}
    # no referrer reaches it: it has no referring organisation
    assert api.get(f"/referrals/{referral_id}", REFERRER).status_code == 404
    exported = api.get(f"/referrals/{referral_id}/export", ADMIN)
    assert exported.status_code in (200, 503)  # the other services do not run here
    trail = api.get(f"/referrals/{referral_id}/audit", ADMIN)
    assert trail.status_code in (200, 503)


def test_the_calls_are_in_the_audit_trail_as_the_publics(api, published, engine):
    event = applied(api, published)
    made = api.post("/self-referrals/confirmation", json={"token": event["data"]["token"]})
    api.post("/self-referrals/confirmation", json={"token": event["data"]["token"]})
    with engine.connect() as db:
        rows = db.execute(text("SELECT operation, referral_id, target_id, person, "
                               "organisation, role, answer FROM audit ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        ("submitSelfReferral", None, event["referral_id"], "applicant", "public", "public",
         202),
        ("confirmSelfReferral", made.json()["referral_id"], None, "applicant", "public",
         "public", 201),
        ("confirmSelfReferral", made.json()["referral_id"], None, "applicant", "public",
         "public", 200)]


def test_an_unknown_or_expired_token_is_a_404(api, published, engine):
    assert api.post("/self-referrals/confirmation",
                    json={"token": "not-a-token"}).status_code == 404
    event = applied(api, published)
    with engine.begin() as db:
        db.execute(update(ApplicationRow).where(ApplicationRow.id == event["referral_id"])
                   .values(expires_at=utcnow() - timedelta(seconds=1)))
    expired = api.post("/self-referrals/confirmation", json={"token": event["data"]["token"]})
    assert expired.status_code == 404 and expired.json()["error"] == "not_found"
    assert api.get("/self-referrals/confirmation",
                   params={"token": event["data"]["token"]}).status_code == 404
    assert api.post("/self-referrals/confirmation", json={}).status_code == 422


@pytest.mark.parametrize("body, field", [
    (self_referral_body(consent={"family_consents": False, "share_status_with_referrer": True,
                                 "given_on": "2026-11-20"}), "consent"),
    ({**self_referral_body(), "referrer": {"name": "x"}}, "referrer"),
    ({**self_referral_body(), "external_ref": "x-1"}, "external_ref"),
    (self_referral_body(applicant={"email": "not an address"}), "applicant"),
    (self_referral_body(applicant={"email": "a@example.org", "language": "de"}),
     "applicant"),
])
def test_invalid_applications_are_a_422(api, body, field):
    answer = apply(api, body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"]


def test_a_municipality_nobody_serves_is_a_422_before_anything_is_kept(api, engine):
    body = self_referral_body()
    body["family"]["municipality"] = "Amersfoort"  # no provider of home-start there
    answer = apply(api, body)
    assert answer.status_code == 422, answer.text
    assert "Amersfoort" in str(answer.json()["errors"])
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM self_referral_applications")).scalar() == 0


def test_five_an_hour_from_one_address_and_the_limit_outlives_a_restart(
        api, published, service, start):
    for number in range(5):
        assert apply(api, email=f"p{number}@example.org").status_code == 202
    refused = apply(api, email="p5@example.org")
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert apply(api, email="p5@example.org", client="198.51.100.7").status_code == 202
    service.stop()
    start()
    assert apply(api, email="p6@example.org").status_code == 429


def test_three_a_day_for_one_email_address_whatever_the_address(api):
    for number in range(3):
        assert apply(api, client=f"192.0.2.{10 + number}").status_code == 202
    refused = apply(api, client="192.0.2.99", email="OUDER@example.org")
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) <= 86400


def sent(engine, application_id):
    with engine.connect() as db:
        return db.execute(text("SELECT count(*) FROM outbox WHERE referral_id = :id AND "
                               "sent_at IS NOT NULL"), {"id": application_id}).scalar()


def test_the_sweep_deletes_expired_applications_and_ended_windows(api, published, engine):
    event = applied(api, published)
    eventually(lambda: sent(engine, event["referral_id"]), what="the event marked sent")
    uow = UnitOfWork.on(engine, metadata, outgoing)
    assert self_referral_handlers.forget_expired(uow, utcnow()) == 0
    assert self_referral_handlers.forget_expired(
        uow, utcnow() + timedelta(hours=24, seconds=1)) == 1
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM self_referral_applications")).scalar() == 0
        assert db.execute(text("SELECT count(*) FROM rate_counters")).scalar() == 0
        assert db.execute(text("SELECT count(*) FROM outbox WHERE referral_id = :id"),
                          {"id": event["referral_id"]}).scalar() == 0
