"""Nothing personal in any log line (docs/contract.md §7 "Data in motion"): the whole flow, and
the failures an operator must read about, with every logger of every library captured at
DEBUG; not one record holds a family's words, whatever failed. The same run written as JSON
lines (KRING_LOG_FORMAT=json, docs/contract.md §8): each parses, carries the correlation id of
its request, and holds nothing of the family either; a client's 404 is one line."""
import io
import json
import logging
import sqlite3
import uuid

import pytest

from kring import dlq
from kring.config import DATABASES_KEY
from kring.demo import Demo
from kring.kit import logs
from tests.support.api import TEST_SECRET, token
from tests.support.integration.partner import make_partner, next_update, raw_publish
from tests.support.sample import referral_body
from tests.support.waiting import eventually

# the family of the sample and of the demo, its referrer, and what people wrote about it
FAMILY_TEXT = ("Yilmaz", "Jansen", "Bakker", "+31612345678", "3581AB", "Support with parenting",
               "j.devries@example.org", "J. de Vries", "first home visit",
               "parents manage on their own", "neighbourhood team", "last contact went well",
               "the family moved away", "intake conversation", "good first meeting")


@pytest.fixture
def json_lines():
    """Every record from before the services start, also written as KRING_LOG_FORMAT=json
    writes it; the lines, parsed, when asked."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logging.getLogger().addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logging.getLogger().removeHandler(handler)


@pytest.fixture
def logged_stack(caplog, json_lines, request):
    """Every logger at DEBUG from before the services start, then the whole stack."""
    caplog.set_level(logging.DEBUG)
    return request.getfixturevalue("stack")


@pytest.fixture
def partner(rabbit_manager, rabbit_config, logged_stack):
    client = make_partner(rabbit_manager, rabbit_config, f"p-{uuid.uuid4().hex[:8]}")
    yield client
    rabbit_manager._delete("users", client.partner)


def refusing_referrals(config):
    """Make the referral database refuse every new referral (as a full disk or a constraint
    would), with the family's data in the refused statement's parameters."""
    path = config[DATABASES_KEY]["referral"].split("///", 1)[1]
    with sqlite3.connect(path) as db:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON referrals "
                   "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END")
    return lambda: sqlite3.connect(path).execute("DROP TRIGGER refuse")


def log_text(record):
    """What a record puts in a log: its message and any traceback or stack it carries."""
    formatter = logging.Formatter()
    text = record.getMessage()
    if record.exc_info:
        text += formatter.formatException(record.exc_info)
    return text + (record.exc_text or "") + (record.stack_info or "")


def test_no_log_line_holds_family_data_whatever_fails(logged_stack, stack_api, partner,
                                                      caplog, json_lines):
    uri = logged_stack["AMQP_URI"]
    allow_again = refusing_referrals(logged_stack)
    # a database error with the family in its parameters, over HTTP ...
    failed = stack_api.post("/referrals", token("huisarts-oost", "referrer"),
                            json=referral_body("LOG-1"), headers={"X-Request-Id": "log-500"})
    assert failed.status_code == 500
    assert failed.headers["X-Request-Id"] == "log-500"
    # ... a client's mistake ...
    missing = stack_api.get(f"/referrals/{uuid.uuid4()}", token("huisarts-oost", "referrer"),
                            headers={"X-Request-Id": "log-404"})
    assert missing.status_code == 404
    # ... and from a partner: retried, then parked
    partner.submit_referral(referral_body("LOG-2"))
    eventually(lambda: dlq.counts(uri)["referral"] == 1, what="the submission to be parked")
    allow_again()
    # a poison message from a partner: refused with an answer
    body = referral_body("LOG-3")
    body["family"]["contact_name"] = "Fam. Yilmaz\u0000"
    raw_publish(partner, json.dumps(body).encode(), message_id="m-log")
    assert next_update(partner)["type"] == "rejected"
    # and the whole flow, to its closure notice
    demo = Demo(stack_api.base.rsplit("/api/v1", 1)[0], TEST_SECRET, out=io.StringIO())
    try:
        demo.register_supporters()
        demo.supported_to_the_end()
        demo.withdrawn_mid_case()
    finally:
        demo.close()

    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert any("unexpected error in submitReferral" in log_text(r) for r in errors)
    assert any("parked in kring.referral.dead" in log_text(r) for r in errors)
    leaks = [(record.name, text) for record in caplog.records
             for text in [log_text(record)] if any(word in text for word in FAMILY_TEXT)]
    assert leaks == []

    lines = [json.loads(line) for line in json_lines()]  # every line parses
    assert len(lines) >= len(caplog.records) > 100
    assert {key for line in lines for key in line} == {
        "time", "level", "service", "correlation_id", "referral_id", "logger", "message"}
    assert [line for line in json_lines() if any(word in line for word in FAMILY_TEXT)] == []
    # the bug: its traceback under its request's id, in the service that failed
    [bug] = [line for line in lines if line["message"].startswith(
        "unexpected error in submitReferral")]
    assert (bug["level"], bug["service"], bug["correlation_id"]) == (
        "ERROR", "referral", "log-500")
    assert "Traceback" in bug["message"]
    # the client's 404: one line, no traceback, under its request's id
    said = [line for line in lines if line["correlation_id"] == "log-404"
            and line["level"] != "DEBUG"]
    assert [(line["level"], line["service"], line["message"]) for line in said] == [
        ("INFO", "referral", "getReferral answered 404 not_found (correlation id log-404)")]
    assert not any("Traceback" in line["message"] for line in lines
                   if line["correlation_id"] == "log-404")
    # whatever 404s the demo's polling met (matching had not heard of a referral yet): one
    # line each, never nameko's warning with a traceback
    assert not any(line["message"].startswith("(expected) error handling worker")
                   for line in lines)
    # what workers log carries their work's id: the events handled carry the requests' ids
    handled = [line for line in lines if line["message"].startswith("calling handler for")
               and ".on_" in line["message"]]  # the event handlers: on_referral, on_casework…
    assert handled and all(line["correlation_id"] for line in handled)
    assert [line["message"] for line in handled
            if not line["referral_id"] and "on_partner_message" not in line["message"]] == []
