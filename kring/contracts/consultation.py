"""HTTP bodies of consultation requests (docs/contract.md §4 "Consultations").

A professional or a municipality asks a programme's coordinating organisation for advice about
a case and keeps the lead: no family is taken on, and nothing identifies one. The requester may
name the case by a pseudonymous reference of its own; it is refused when it looks like an
e-mail address, a phone number or a postcode.
"""
import re

from marshmallow import Schema, ValidationError, fields, validate

from kring.contracts.fields import PROGRAMME, Strict, text
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.referral import NOTICE_LANGUAGES

CASE_REF_MAX = 40
STATUSES = ("awaiting_answer", "answered", "closed")
# what a case reference must not look like: it would say who the family is
_EMAIL = re.compile(r"\S+@\S+")
_DIGIT_RUN = re.compile(r"\+?\d[\d \-.()/]*\d")  # digits, maybe grouped
PHONE_DIGITS = 10  # a Dutch number (0612345678); an international one: +31 and nine
_POSTCODE = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{3} ?[A-Za-z]{2}(?![A-Za-z])")


def identifying(case_ref):
    """Why `case_ref` may identify a family (an e-mail address, a phone number, a postcode),
    or None when it does not look like one."""
    if _EMAIL.search(case_ref):
        return "looks like an e-mail address"
    if any(_phone_like(run) for run in _DIGIT_RUN.findall(case_ref)):
        return "looks like a phone number"
    if _POSTCODE.search(case_ref):
        return "looks like a postcode"
    return None


def _phone_like(run):
    digits = sum(ch.isdigit() for ch in run)
    return digits >= PHONE_DIGITS or (run.startswith("+") and digits >= PHONE_DIGITS - 1)


def _check_case_ref(value):
    why = identifying(value)
    if why:
        raise ValidationError(f"{why}: use a reference that does not identify the family")


class Requester(Strict):
    email = fields.Email(required=True, validate=validate.Length(max=254), metadata={
        "description": "where the notice of each answer goes"})
    language = fields.String(load_default="nl", validate=validate.OneOf(NOTICE_LANGUAGES))


class RequestConsultation(Strict):
    programme = fields.String(required=True, validate=validate.Regexp(
        PROGRAMME, error="lower-case letters, digits and dashes, e.g. home-start"))
    municipality = text(100, required=True, metadata={
        "description": "where the case is (a CBS code or a name): routes the request to the "
                       "programme's provider there, and is counted in reports"})
    organisation = text(128, load_default=None, allow_none=True, metadata={
        "description": "a named provider of the programme to ask instead of the one the "
                       "directory routes to"})
    case_ref = text(CASE_REF_MAX, also=(_check_case_ref,), load_default=None,
                    allow_none=True, metadata={
                        "description": "the requester's own pseudonymous reference; no "
                                       "e-mail address, phone number or postcode"})
    question = text(5000, required=True)
    requester = fields.Nested(Requester, required=True)


class AskQuestion(Strict):
    question = text(5000, required=True)


class GiveAnswer(Strict):
    answer = text(5000, required=True)


class CloseConsultation(Strict):
    pass


class Round(Schema):
    question = fields.String(allow_none=True, metadata={"description": "null once erased"})
    asked_at = fields.String(required=True, metadata={"format": "date-time"})
    answer = fields.String(allow_none=True)
    answered_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    answered_by = fields.String(allow_none=True, metadata={"description": "the token's sub"})


class ConsultationView(Schema):
    consultation_id = fields.String(required=True)
    programme = fields.String(required=True)
    municipality_code = fields.String(required=True)
    organisation = fields.String(required=True, metadata={
        "description": "the requesting organisation"})
    coordinating_org = fields.String(required=True, metadata={
        "description": "the organisation asked"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    case_ref = fields.String(allow_none=True)
    rounds = fields.List(fields.Nested(Round), required=True)
    requested_at = fields.String(required=True, metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    closed_by = fields.String(allow_none=True, metadata={"description": "the role"})
    erased_at = fields.String(allow_none=True, metadata={"format": "date-time"})


_PATH = f"{PREFIX}/consultations/<consultation_id>"

OPERATIONS = [
    Operation("requestConsultation", "referral", "POST", f"{PREFIX}/consultations",
              "Ask a programme's coordinating organisation for advice about a case; the "
              "requester keeps the lead and no family is taken on. Routed like a referral "
              "(the programme's provider in the municipality) unless an organisation that "
              "provides the programme is named.",
              body=RequestConsultation, response=ConsultationView, success=201),
    Operation("getConsultation", "referral", "GET", _PATH,
              "The consultation's questions and answers: for the requesting organisation and "
              "the coordinators of the organisation asked.",
              response=ConsultationView, statuses=(404,)),
    Operation("answerConsultation", "referral", "POST", f"{_PATH}/answers",
              "Answer the open question; the requester is told by e-mail "
              "(consultation_answered).",
              body=GiveAnswer, response=ConsultationView, success=201, statuses=(404, 409)),
    Operation("askFollowUp", "referral", "POST", f"{_PATH}/questions",
              "Ask a follow-up question once the last one is answered: another round.",
              body=AskQuestion, response=ConsultationView, success=201, statuses=(404, 409)),
    Operation("closeConsultation", "referral", "POST", f"{_PATH}/close",
              "Close the consultation (either side); its retention period starts.",
              body=CloseConsultation, response=ConsultationView, statuses=(404, 409)),
]
