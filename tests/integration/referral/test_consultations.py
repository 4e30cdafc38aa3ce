"""Consultation requests over HTTP (docs/contract.md §4 "Consultations"), against the real
service on the real broker, once on SQLite and once on PostgreSQL: asking, answering in rounds,
closing, who sees what, the answer's event for notify, the audit records and what is sealed.

The service starts with the tests' provider directory (tests/support/directory.py): home-start
in Utrecht is provided by home-start-oost, in Woerden by home-start-west."""
import pytest
from sqlalchemy import select, text

from kring.config import DATABASES_KEY
from kring.kit.db import make_engine
from services.referral.models import metadata
from services.referral.service import ReferralService
from tests.support.api import token
from tests.support.events import listening_to

GP = token("huisarts-oost", "referrer")
OTHER_GP = token("huisarts-west", "referrer")
MUNICIPALITY = token("gemeente-utrecht", "municipality")
COORDINATOR = token("home-start-oost", "coordinator", subject="carla")
OTHER_COORDINATOR = token("home-start-west", "coordinator")
ADMIN = token("home-start-oost", "admin")
SUPPORTER = token("home-start-oost", "supporter")
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
QUESTION = "Mother seems overwhelmed since the twins; how do we start the conversation?"
ANSWER = "Ask what helps her most this week; offer a home visit together."


@pytest.fixture
def published(kring_config):
    with listening_to(kring_config["AMQP_URI"], "referral") as events:
        yield events


@pytest.fixture(autouse=True)
def service(container_factory, kring_config, published):
    container = container_factory(ReferralService, kring_config)
    container.start()
    return container


def request_body(**fields):
    return {"programme": "home-start", "municipality": "Utrecht", "question": QUESTION,
            "case_ref": "casus 12", "requester": {"email": "gp@example.org"}, **fields}


def requested(api, who=GP, **fields):
    answer = api.post("/consultations", who, json=request_body(**fields))
    assert answer.status_code == 201, answer.text
    return answer.json()


def step(api, consultation_id, what, who, body=None, status=201):
    answer = api.post(f"/consultations/{consultation_id}/{what}", who, json=body or {})
    assert answer.status_code == status, answer.text
    return answer.json()


def test_a_request_is_routed_like_a_referral_and_shown_to_both_sides(api):
    consultation = requested(api)
    assert consultation["coordinating_org"] == "home-start-oost"
    assert consultation["municipality_code"] == "GM0344"
    assert (consultation["organisation"], consultation["status"]) == (
        "huisarts-oost", "awaiting_answer")
    assert consultation["rounds"][0]["question"] == QUESTION
    path = f"/consultations/{consultation['consultation_id']}"
    for who in (GP, COORDINATOR):
        seen = api.get(path, who)
        assert seen.status_code == 200, seen.text
        assert seen.json() == consultation


def test_nobody_else_can_tell_it_from_an_unknown_id(api):
    consultation_id = requested(api)["consultation_id"]
    unknown = api.get(f"/consultations/{UNKNOWN_ID}", COORDINATOR)
    assert unknown.status_code == 404
    for who in (OTHER_GP, OTHER_COORDINATOR, MUNICIPALITY):
        hidden = api.get(f"/consultations/{consultation_id}", who)
        assert hidden.status_code == 404, hidden.text
        assert hidden.json() == {**unknown.json(), "message": unknown.json()["message"]
                                 .replace(UNKNOWN_ID, consultation_id)}
    for who in (ADMIN, SUPPORTER):  # not in the rule's row at all
        assert api.get(f"/consultations/{consultation_id}", who).status_code == 403
    assert step(api, consultation_id, "answers", OTHER_COORDINATOR, {"answer": ANSWER},
                status=404)


def test_rounds_of_questions_and_answers_until_either_side_closes(api, published):
    consultation_id = requested(api)["consultation_id"]
    step(api, consultation_id, "questions", GP, {"question": "More?"}, status=409)
    answered = step(api, consultation_id, "answers", COORDINATOR, {"answer": ANSWER})
    assert answered["status"] == "answered"
    assert answered["rounds"][0]["answered_by"] == "carla"
    step(api, consultation_id, "answers", COORDINATOR, {"answer": "again"}, status=409)
    step(api, consultation_id, "answers", GP, {"answer": "me?"}, status=403)
    again = step(api, consultation_id, "questions", GP, {"question": "And if she refuses?"})
    assert (again["status"], len(again["rounds"])) == ("awaiting_answer", 2)
    step(api, consultation_id, "answers", COORDINATOR, {"answer": "Then call us."})
    closed = step(api, consultation_id, "close", COORDINATOR, status=200)
    assert (closed["status"], closed["closed_by"]) == ("closed", "coordinator")
    step(api, consultation_id, "close", GP, status=409)
    step(api, consultation_id, "questions", GP, {"question": "One more"}, status=409)

    events = [published.next_of_type("consultation_answered") for _ in range(2)]
    assert [event["data"]["round"] for event in events] == [1, 2]
    assert {event["referral_id"] for event in events} == {consultation_id}
    assert events[0]["data"] == {"round": 1, "programme": "home-start",
                                 "organisation": "huisarts-oost",
                                 "coordinating_org": "home-start-oost",
                                 "requester_email": "gp@example.org",
                                 "requester_language": "nl"}


def test_a_municipality_asks_a_named_provider(api):
    consultation = requested(api, MUNICIPALITY, organisation="home-start-west",
                             municipality="Woerden", case_ref=None)
    assert consultation["coordinating_org"] == "home-start-west"
    assert consultation["case_ref"] is None
    path = f"/consultations/{consultation['consultation_id']}"
    assert api.get(path, MUNICIPALITY).status_code == 200
    assert api.get(path, OTHER_COORDINATOR).status_code == 200
    assert api.get(path, COORDINATOR).status_code == 404


def test_what_cannot_be_routed_or_may_identify_a_family_is_refused(api):
    refusals = {
        "case_ref": request_body(case_ref="0612345678"),
        "municipality": request_body(municipality="Atlantis"),
        "programme": request_body(municipality="Amersfoort"),
        "organisation": request_body(organisation="nobody-provides"),
    }
    for field, body in refusals.items():
        answer = api.post("/consultations", GP, json=body)
        assert answer.status_code == 422, answer.text
        assert field in answer.json()["errors"], answer.text
    assert api.post("/consultations", COORDINATOR, json=request_body()).status_code == 403


def test_reads_and_changes_are_audited_and_the_words_are_sealed(api, kring_config):
    consultation_id = requested(api)["consultation_id"]
    step(api, consultation_id, "answers", COORDINATOR, {"answer": ANSWER})
    assert api.get(f"/consultations/{consultation_id}", GP).status_code == 200
    assert api.get(f"/consultations/{consultation_id}", OTHER_GP).status_code == 404
    engine = make_engine(kring_config[DATABASES_KEY]["referral"])
    try:
        audit = metadata.tables["audit"]
        with engine.connect() as db:
            records = db.execute(select(audit.c.operation, audit.c.organisation,
                                        audit.c.answer).where(
                audit.c.referral_id == consultation_id).order_by(audit.c.id)).all()
            raw = db.execute(text("SELECT content, rounds, programme FROM consultations")).one()
    finally:
        engine.dispose()
    assert [tuple(record) for record in records] == [
        ("requestConsultation", "huisarts-oost", 201),
        ("answerConsultation", "home-start-oost", 201),
        ("getConsultation", "huisarts-oost", 200),
        ("getConsultation", "huisarts-west", 404)]
    assert (raw.rounds, raw.programme) == (1, "home-start")
    for words in (QUESTION, ANSWER, "casus 12", "gp@example.org"):
        assert words not in str(raw.content)
