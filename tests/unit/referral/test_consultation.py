"""Consultation requests: rounds, who answers when, closing, erasure, and the case reference
that must not identify a family; no IO."""
import pytest
from marshmallow import ValidationError

from kring.contracts.consultation import RequestConsultation, identifying
from kring.errors import NotAllowed
from services.referral.consultation import (ANSWERED, AWAITING_ANSWER, CLOSED, Answered,
                                            Consultation)


def at(minute):
    return f"2026-11-20T10:{minute:02d}:00.000000Z"


def requested(role="referrer"):
    return Consultation.request("c-1", "huisarts-oost", role, "home-start", "GM0344",
                                "home-start-oost", "How do we approach this?", "casus 12",
                                "gp@example.org", "nl", at(0))


def test_a_request_is_one_open_round_and_tells_nobody_yet():
    consultation = requested()
    assert consultation.status == AWAITING_ANSWER and consultation.round_count == 1
    assert consultation.rounds[0]["question"] == "How do we approach this?"
    assert consultation.events == []


def test_only_a_referrer_or_a_municipality_asks():
    assert requested("municipality").requester_role == "municipality"
    with pytest.raises(NotAllowed):
        requested("coordinator")


def test_an_answer_closes_the_round_and_tells_the_requester():
    consultation = requested()
    consultation.answer("Start with a home visit.", "coordinator-1", at(5))
    assert consultation.status == ANSWERED and consultation.answered_at == at(5)
    assert consultation.rounds[0]["answered_by"] == "coordinator-1"
    assert consultation.events == [Answered(1)]


def test_a_question_is_answered_once():
    consultation = requested()
    consultation.answer("Start with a home visit.", "coordinator-1", at(5))
    with pytest.raises(NotAllowed):
        consultation.answer("And again.", "coordinator-1", at(6))


def test_a_follow_up_waits_for_the_answer_and_opens_the_next_round():
    consultation = requested()
    with pytest.raises(NotAllowed):
        consultation.ask("Anything else?", at(1))
    consultation.answer("Start with a home visit.", "coordinator-1", at(5))
    consultation.ask("And if they refuse?", at(7))
    assert consultation.status == AWAITING_ANSWER and consultation.round_count == 2
    consultation.answer("Ask the district nurse along.", "coordinator-2", at(9))
    assert consultation.events == [Answered(1), Answered(2)]
    assert consultation.answered_at == at(9)


def test_closed_by_either_side_it_takes_nothing_more():
    for role in ("referrer", "coordinator"):
        consultation = requested()
        consultation.close(role, at(3))
        assert (consultation.status, consultation.closed_by) == (CLOSED, role)
        for change in (lambda: consultation.answer("late", "c", at(4)),
                       lambda: consultation.ask("late", at(4)),
                       lambda: consultation.close(role, at(4))):
            with pytest.raises(NotAllowed):
                change()


def test_erasure_keeps_the_figures_and_drops_the_words():
    consultation = requested()
    consultation.answer("Start with a home visit.", "coordinator-1", at(5))
    consultation.close("referrer", at(6))
    assert consultation.erase(at(30)) is True
    assert consultation.content["case_ref"] is None
    assert consultation.content["requester_email"] is None
    assert [(r["question"], r["answer"]) for r in consultation.rounds] == [(None, None)]
    assert (consultation.round_count, consultation.programme, consultation.municipality_code,
            consultation.requested_at, consultation.closed_at) == (
        1, "home-start", "GM0344", at(0), at(6))
    assert consultation.erase(at(31)) is False


@pytest.mark.parametrize("case_ref", [
    "j.devries@example.org", "mail jan@x.nl", "0612345678", "+31 6 1234 5678", "06-12345678",
    "030 123 4567", "3581AB", "3581 ab", "fam. in 3581 AB"])
def test_a_case_reference_that_may_identify_a_family_is_refused(case_ref):
    assert identifying(case_ref)
    with pytest.raises(ValidationError) as refused:
        RequestConsultation().load(body(case_ref=case_ref))
    assert "case_ref" in refused.value.messages


@pytest.mark.parametrize("case_ref", ["casus 12", "GP-2026-0042", "fam B", "K12 week 47"])
def test_a_pseudonymous_case_reference_is_taken(case_ref):
    assert identifying(case_ref) is None
    assert RequestConsultation().load(body(case_ref=case_ref))["case_ref"] == case_ref


def test_a_case_reference_is_at_most_40_characters_and_may_be_left_out():
    with pytest.raises(ValidationError):
        RequestConsultation().load(body(case_ref="x" * 41))
    assert RequestConsultation().load(body(case_ref="x" * 40))
    loaded = RequestConsultation().load(body())
    assert loaded["case_ref"] is None and loaded["organisation"] is None
    assert loaded["requester"]["language"] == "nl"


def body(**fields):
    return {"programme": "home-start", "municipality": "Utrecht",
            "question": "How do we approach this?",
            "requester": {"email": "gp@example.org"}, **fields}
