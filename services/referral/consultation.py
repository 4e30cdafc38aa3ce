"""A consultation request (consultatie): a professional or a municipality asks a programme's
coordinating organisation for advice about a case, and keeps the lead. No family is taken on
and nothing of one is kept but the words of the questions and answers, sealed at rest.

Rounds: the requester asks, the organisation asked answers, the requester may ask again once
the last question is answered; either side closes it. Pure: no nameko, no SQLAlchemy, no IO.
"""
from dataclasses import dataclass, field

from kring.errors import NotAllowed

AWAITING_ANSWER, ANSWERED, CLOSED = "awaiting_answer", "answered", "closed"
REQUESTERS = ("referrer", "municipality")  # the roles that ask (kring/contracts/access.py)
CONSULTANTS = ("coordinator",)  # of the organisation asked


@dataclass(frozen=True)
class Answered:
    """The organisation asked answered round `round`: the requester is to be told."""
    round: int


@dataclass
class Consultation:
    consultation_id: str
    org: str  # the requesting organisation
    requester_role: str
    programme: str
    municipality_code: str
    coordinating_org: str  # the organisation asked
    requested_at: str  # ISO 8601 UTC: sorts as text
    # sealed at rest: {"case_ref", "requester_email", "requester_language", "rounds": [...]}
    content: dict
    closed_at: str | None = None
    closed_by: str | None = None
    erased_at: str | None = None
    events: list = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def request(cls, consultation_id, org, role, programme, municipality_code,
                coordinating_org, question, case_ref, email, language, at):
        if role not in REQUESTERS:
            raise NotAllowed(f"a {role} does not ask for consultation")
        content = {"case_ref": case_ref, "requester_email": email,
                   "requester_language": language,
                   "rounds": [_round(question, at)]}
        return cls(consultation_id, org, role, programme, municipality_code, coordinating_org,
                   at, content)

    @property
    def rounds(self):
        return self.content["rounds"]

    @property
    def round_count(self):
        return len(self.rounds)

    @property
    def is_closed(self):
        return self.closed_at is not None

    @property
    def is_erased(self):
        return self.erased_at is not None

    @property
    def status(self):
        if self.is_closed:
            return CLOSED
        return ANSWERED if self.rounds[-1]["answered_at"] else AWAITING_ANSWER

    @property
    def answered_at(self):
        """When the last answer was given (None: none yet)."""
        return next((entry["answered_at"] for entry in reversed(self.rounds)
                     if entry["answered_at"]), None)

    def answer(self, text, person, at):
        """The organisation asked answers the open question."""
        self._check_open()
        if self.status != AWAITING_ANSWER:
            raise NotAllowed("there is no open question: the last one is answered")
        last = {**self.rounds[-1], "answer": text, "answered_at": at, "answered_by": person}
        self._set_rounds(self.rounds[:-1] + [last])
        self.events.append(Answered(self.round_count))

    def ask(self, text, at):
        """The requester asks a follow-up question: a new round."""
        self._check_open()
        if self.status != ANSWERED:
            raise NotAllowed("the last question is not answered yet")
        self._set_rounds(self.rounds + [_round(text, at)])

    def close(self, role, at):
        self._check_open()
        self.closed_at, self.closed_by = at, role

    def erase(self, at):
        """The words go (questions, answers, the case reference, the requester's address);
        what stays is anonymous: programme, municipality, organisations, dates, rounds.
        Again: nothing changes (False)."""
        if self.is_erased:
            return False
        self.content = {"case_ref": None, "requester_email": None,
                        "requester_language": None,
                        "rounds": [{**entry, "question": None, "answer": None}
                                   for entry in self.rounds]}
        self.erased_at = at
        return True

    def _check_open(self):
        if self.is_closed:
            raise NotAllowed(f"the consultation was closed by the {self.closed_by}")

    def _set_rounds(self, rounds):
        # a new dict, so the change is seen when it is stored
        self.content = {**self.content, "rounds": rounds}


def _round(question, at):
    return {"question": question, "asked_at": at, "answer": None, "answered_at": None,
            "answered_by": None}
