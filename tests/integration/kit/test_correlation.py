"""Correlation ids at the edges of one service (docs/contract.md §8), against the real broker
and a real database (SQLite and PostgreSQL): the answer's `X-Request-Id`, the events a request
or an event causes, and the one log line of a client's mistake."""
import dataclasses
import json
import logging
import uuid

import pytest
from sqlalchemy import create_engine, select

from kring.contracts.events import make_event
from kring.config import DATABASES_KEY
from kring.kit.db import postgres_driver
from services.referral.models import metadata
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import deliver, listening_to
from tests.support.sample import referral_body

REFERRER = token("huisarts-oost", "referrer")
COORDINATOR = token("home-start-oost", "coordinator")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def published(kring_config):
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture
def service(container_factory, kring_config, published):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


def rows(config, table, referral_id):
    engine = create_engine(postgres_driver(config[DATABASES_KEY]["referral"]))
    try:
        with engine.connect() as db:
            table = metadata.tables[table]
            return db.execute(select(table).where(table.c.referral_id == referral_id)).all()
    finally:
        engine.dispose()


def test_a_request_id_given_is_answered_and_carried_by_what_the_request_causes(
        service, api, published, kring_config):
    answer = api.post("/referrals", REFERRER, json=referral_body(),
                      headers={"X-Request-Id": "gateway-req-0001"})
    assert answer.status_code == 201, answer.text
    assert answer.headers["X-Request-Id"] == "gateway-req-0001"
    referral_id = answer.json()["referral_id"]

    message = published.next_message()
    envelope = json.loads(message.body)
    assert envelope["type"] == "referral_received"
    assert envelope["correlation_id"] == "gateway-req-0001"
    assert message.properties["correlation_id"] == "gateway-req-0001"
    # the audit record of the call and the outbox row of its event keep it
    assert [row.correlation_id for row in rows(kring_config, "audit", referral_id)] == \
        ["gateway-req-0001"]
    assert [row.correlation_id for row in rows(kring_config, "outbox", referral_id)] == \
        ["gateway-req-0001"]


@pytest.mark.parametrize("given", [None, "", "x" * 101, "has space", "tab\there", "é-accent"])
def test_without_a_fit_request_id_the_answer_says_a_new_one(service, api, given):
    headers = {} if given is None else {"X-Request-Id": given.encode("utf-8")}
    first = api.get(f"/referrals/{UNKNOWN_ID}", COORDINATOR, headers=dict(headers))
    second = api.get(f"/referrals/{UNKNOWN_ID}", COORDINATOR, headers=dict(headers))
    assert first.status_code == second.status_code == 404
    made = first.headers["X-Request-Id"]
    assert uuid.UUID(made) and made != second.headers["X-Request-Id"]


def test_every_answer_says_its_id_also_public_ones_and_unknown_paths(service, api):
    assert api.get("/health").headers["X-Request-Id"]
    assert api.get("/no-such-thing", headers={"X-Request-Id": "r-1"}).headers[
        "X-Request-Id"] == "r-1"


def test_an_event_handled_passes_its_correlation_id_on(service, api, kring_config, published):
    answer = api.post("/referrals", REFERRER, json=referral_body())
    referral_id = answer.json()["referral_id"]
    assert published.next()["correlation_id"] == answer.headers["X-Request-Id"]
    # the intake says "does not fit": the referral service closes the referral
    intake = dataclasses.replace(
        make_event("matching", "intake_recorded", referral_id, fits=False, severity=None,
                   coordinator_org="home-start-oost"), correlation_id="intake-req-42")
    deliver(service, kring_config["AMQP_URI"], intake)
    closed = published.next_of_type("referral_closed")
    assert closed["referral_id"] == referral_id
    assert closed["correlation_id"] == "intake-req-42"
    assert [(row.event_type, row.correlation_id)
            for row in rows(kring_config, "inbox", referral_id)] == \
        [("matching.intake_recorded", "intake-req-42")]


def test_a_clients_mistake_is_one_line_and_no_traceback(service, api, caplog):
    caplog.set_level(logging.DEBUG)
    answer = api.get(f"/referrals/{UNKNOWN_ID}", COORDINATOR,
                     headers={"X-Request-Id": "not-found-7"})
    assert answer.status_code == 404
    said = [record for record in caplog.records if "not-found-7" in record.getMessage()]
    assert [record.getMessage() for record in said] == \
        ["getReferral answered 404 not_found (correlation id not-found-7)"]
    assert said[0].levelno == logging.INFO
    tracebacks = [record for record in caplog.records
                  if record.exc_info or "Traceback" in record.getMessage()]
    assert tracebacks == []
