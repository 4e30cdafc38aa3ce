"""Partner input as strict as HTTP input (docs/contract.md §5): text no database can keep, JSON
nested deeper than any body of ours, a body over the size limit, a message_id that cannot be
kept. Each gets a `rejected` answer at once: nothing fails in storing, is retried and parked
without an answer, and the dead letter holds no family data."""
import json

import pytest

from kring import dlq
from kring.contracts.fields import MAX_BODY_BYTES
from tests.support.integration.partner import (next_dead_letter, next_update, raw_publish,
                                               refused_submission)
from tests.support.sample import referral_body

FAMILY = ["Yilmaz", "+31612345678", "3581AB", "Support with parenting", "j.devries@example.org",
          "J. de Vries"]


def with_question(question, external_ref="YH-S1"):
    body = referral_body(external_ref)
    body["request"]["question"] = question
    return json.dumps(body).encode("ascii")


BODIES = {
    "a NUL": with_question("Support with\u0000 parenting after a move"),
    "a lone surrogate": with_question("Support with parenting after a move \ud800"),
    "a NUL in the external_ref": json.dumps(
        referral_body("YH-\u0000")).encode("ascii"),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "an oversize body": with_question("Support with parenting after a move "
                                      + "x" * MAX_BODY_BYTES),
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_what_no_database_can_keep_is_rejected_at_once(partners, kring_config, referral_service,
                                                       body):
    partner = partners()
    raw_publish(partner, body, message_id="m-strict")
    rejected = next_update(partner)
    assert (rejected["type"], rejected["referral_id"], rejected["in_reply_to"]) == (
        "rejected", None, "m-strict")
    assert rejected["errors"] and rejected["external_ref"] in (None, "YH-S1")
    kept = next_dead_letter(kring_config["AMQP_URI"])
    assert set(kept) == {"refused_id", "partner", "message_id", "received_at", "errors"}
    assert [text for text in FAMILY if text in json.dumps(kept)] == []
    assert refused_submission(referral_service, kept["refused_id"])["body_size"] == len(body)
    assert dlq.counts(kring_config["AMQP_URI"])["referral"] == 0  # nothing failed, nothing parked


@pytest.mark.parametrize("message_id", ["m-\u0000", "m-\ud800", "m" * 129])
def test_a_message_id_that_cannot_be_kept_is_rejected_without_echo(partners, kring_config,
                                                                    message_id):
    partner = partners()
    raw_publish(partner, json.dumps(referral_body("YH-S2")).encode(), message_id=message_id)
    rejected = next_update(partner)
    assert (rejected["type"], rejected["in_reply_to"]) == ("rejected", None)
    assert list(rejected["errors"]) == ["message_id"]
    assert next_dead_letter(kring_config["AMQP_URI"])["message_id"] is None
    assert dlq.counts(kring_config["AMQP_URI"])["referral"] == 0


def test_a_content_type_is_not_echoed(partners):
    partner = partners()
    raw_publish(partner, b"{}", content_type="text/x-\u00e9vil", message_id="m-ct")
    rejected = next_update(partner)
    assert rejected["errors"] == {"content_type": ["must be application/json"]}
