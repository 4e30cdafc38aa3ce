"""Consultation requests on a real (SQLite) unit of work: routing, the answer's event in the
outbox, and the retention sweep that erases the words and keeps the figures."""
from datetime import datetime, timedelta, timezone

import pytest

from kring.contracts.consultation import RequestConsultation
from kring.errors import Invalid, NotFound
from kring.kit.access import Caller
from kring.kit.auth import Identity
from services.referral import consultation_handlers as handlers
from services.referral import handlers as referral_handlers
from services.referral.models import Consultations
from tests.support.databases import audit_records, outbox
from tests.support.directory import TEST_DIRECTORY

RETENTION = {"days": 30}


@pytest.fixture
def directory(uow):
    referral_handlers.apply_directory(uow, TEST_DIRECTORY)
    return uow


def caller(operation_id, org="huisarts-oost", role="referrer", subject="someone"):
    return Caller(Identity(org, role, subject), operation_id)


def request(uow, **fields):
    body = RequestConsultation().load({
        "programme": "home-start", "municipality": "Utrecht", "question": "how to start?",
        "case_ref": "casus 3", "requester": {"email": "gp@example.org", "language": "en"},
        **fields})
    return handlers.request_consultation(uow, caller("requestConsultation"), body)


def test_routed_to_the_provider_or_the_named_one(directory):
    assert request(directory)["coordinating_org"] == "home-start-oost"
    named = request(directory, organisation="home-start-west")
    assert (named["coordinating_org"], named["municipality_code"]) == ("home-start-west",
                                                                       "GM0344")
    with pytest.raises(Invalid) as refused:
        request(directory, organisation="home-start-nowhere")
    assert "organisation" in refused.value.errors


def test_an_answer_puts_consultation_answered_in_the_outbox(directory):
    consultation_id = request(directory)["consultation_id"]
    handlers.answer_consultation(
        directory, caller("answerConsultation", "home-start-oost", "coordinator"),
        consultation_id, {"answer": "visit first"})
    [event] = [e for e in outbox(directory) if e["type"] == "consultation_answered"]
    assert event["referral_id"] == consultation_id
    assert event["data"] == {"round": 1, "programme": "home-start",
                             "organisation": "huisarts-oost",
                             "coordinating_org": "home-start-oost",
                             "requester_email": "gp@example.org", "requester_language": "en"}


def test_the_organisation_not_asked_cannot_answer(directory):
    consultation_id = request(directory)["consultation_id"]
    with pytest.raises(NotFound):
        handlers.answer_consultation(
            directory, caller("answerConsultation", "home-start-west", "coordinator"),
            consultation_id, {"answer": "visit first"})


def test_the_retention_sweep_erases_the_words_of_closed_ones_only(directory):
    closed_id = request(directory)["consultation_id"]
    open_id = request(directory)["consultation_id"]
    handlers.close_consultation(directory, caller("closeConsultation"), closed_id)
    now = datetime.now(timezone.utc)
    assert handlers.erase_expired(directory, RETENTION, now) == []
    later = now + timedelta(days=31)
    assert handlers.erase_expired(directory, RETENTION, later) == [closed_id]
    assert handlers.erase_expired(directory, RETENTION, later) == []
    with directory:
        consultations = Consultations(directory)
        erased, kept = consultations.get(closed_id), consultations.get(open_id)
    assert erased.is_erased and erased.content["requester_email"] is None
    assert erased.rounds[0]["question"] is None and erased.content["case_ref"] is None
    assert (erased.round_count, erased.programme, erased.municipality_code) == (
        1, "home-start", "GM0344")
    assert not kept.is_erased and kept.rounds[0]["question"] == "how to start?"
    assert [(r["operation"], r["referral_id"]) for r in audit_records(directory)
            if r["operation"] == "retention"] == [("retention", closed_id)]
