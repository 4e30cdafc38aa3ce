"""HTTP bodies and operations of the matching service (docs/contract.md §4): supporters, the intake
(kennismaking), and proposals answered for family and supporter — the match (koppeling) needs
both to say yes."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kring.contracts.events import PARTIES, SEVERITIES
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.fields import LANGUAGE, PROGRAMME, Flag, Strict, text
from kring.contracts.paging import Page, PageQuery

KINDS = ("volunteer", "professional")
MAX_CAPACITY = 50
PROPOSAL_STATUSES = ("open", "accepted", "declined", "cancelled")
# awaiting_commission: it fits, and its programme needs the municipality's commission first
INTAKE_STATUSES = ("matching", "waitlisted", "declined", "awaiting_commission")
SUPPORTER = f"{PREFIX}/supporters/<supporter_id>"
PROPOSAL = f"{PREFIX}/proposals/<proposal_id>"


def _supporter_fields(required):
    """The fields of a supporter; on registration required, on an update each one optional."""
    def need(**kwargs):
        return {"required": True, **kwargs} if required else kwargs

    def codes(pattern, error, max_length):
        return fields.List(fields.String(validate=validate.Regexp(pattern, error=error)),
                           **need(validate=validate.Length(min=1, max=max_length)))

    return {
        "name": text(200, **need()),
        "kind": fields.String(**need(validate=validate.OneOf(KINDS))),
        "programmes": codes(PROGRAMME, "lower-case letters, digits and dashes", 20),
        "languages": codes(LANGUAGE, "use a two- or three-letter language code", 10),
        "municipalities": fields.List(text(100), **need(validate=validate.Length(min=1,
                                                                                  max=50))),
        "capacity": fields.Integer(strict=True, **need(validate=validate.Range(0, MAX_CAPACITY))),
        "expertise": fields.List(text(64), validate=validate.Length(max=20),
                                 **({"load_default": list} if required else {})),
        "active": Flag(**({"load_default": True} if required else {})),
    }


RegisterSupporter = Strict.from_dict(_supporter_fields(True), name="RegisterSupporter")
_Update = Strict.from_dict(_supporter_fields(False), name="UpdateSupporterFields")


class UpdateSupporter(_Update):
    @validates_schema
    def something_to_change(self, data, **_):
        if not data:
            raise ValidationError("name at least one field to change")


SupporterView = Schema.from_dict({
    "supporter_id": fields.String(required=True), "name": fields.String(required=True),
    "organisation": fields.String(allow_none=True, metadata={
        "description": "the organisation that registered it: only its coordinators and admins "
                       "see it, and it is proposed only to families that organisation "
                       "coordinates"}),
    "kind": fields.String(required=True, validate=validate.OneOf(KINDS)),
    "active": Flag(required=True),
    **{name: fields.List(fields.String(), required=True)
       for name in ("programmes", "languages", "municipalities", "expertise")},
    "capacity": fields.Integer(required=True),
    "load": fields.Integer(required=True, metadata={"description": "families supported now"}),
    "reserved": fields.Integer(required=True, metadata={
        "description": "open proposals: each holds one unit of capacity until answered"}),
    "free": fields.Integer(required=True),
    "registered_at": fields.String(required=True, metadata={"format": "date-time"}),
}, name="SupporterView")


class SupporterList(Page):
    supporters = fields.List(fields.Nested(SupporterView), required=True)


class ProposalRow(Schema):
    proposal_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(PROPOSAL_STATUSES))
    waiting_for = fields.List(fields.String(validate=validate.OneOf(PARTIES)), required=True,
                              metadata={"description": "the parties still to answer"})
    supporter_name = fields.String(required=True)
    made_at = fields.String(required=True, metadata={"format": "date-time"})


class ProposalList(Page):
    proposals = fields.List(fields.Nested(ProposalRow), required=True)


class WaitingRow(Schema):
    referral_id = fields.String(required=True)
    programme = fields.String(allow_none=True)
    severity = fields.String(allow_none=True, validate=validate.OneOf(SEVERITIES))
    since = fields.String(required=True, metadata={
        "format": "date-time", "description": "when it went on the waiting list"})


class WaitingList(Page):
    referrals = fields.List(fields.Nested(WaitingRow), required=True)


class RecordIntake(Strict):
    referral_id = text(64, required=True)
    fits = Flag(required=True)
    severity = fields.String(load_default=None, allow_none=True,
                             validate=validate.OneOf(SEVERITIES))
    reason = text(2000, load_default=None, allow_none=True)

    @validates_schema
    def severity_when_it_fits(self, data, **_):
        if data.get("fits") and not data.get("severity"):
            raise ValidationError("required when the question fits", "severity")


class IntakeResult(Schema):
    referral_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(INTAKE_STATUSES))
    proposal_id = fields.String(allow_none=True)


class RespondToProposal(Strict):
    party = fields.String(required=True, validate=validate.OneOf(PARTIES))
    accept = Flag(required=True)
    reason = text(2000, load_default=None, allow_none=True)


Answer = Schema.from_dict({"accept": Flag(required=True),
                           "reason": fields.String(allow_none=True),
                           "at": fields.String(required=True, metadata={"format": "date-time"})},
                          name="Answer")


class ProposalView(Schema):
    proposal_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    supporter_id = fields.String(required=True)
    supporter_name = fields.String(required=True)
    supporter_kind = fields.String(required=True)
    score = fields.Integer(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={
        "description": "why this supporter, e.g. 'expertise: parenting', 'speaks tr'"})
    status = fields.String(required=True, validate=validate.OneOf(PROPOSAL_STATUSES))
    answers = fields.Dict(keys=fields.String(validate=validate.OneOf(PARTIES)),
                          values=fields.Nested(Answer), required=True)
    made_at = fields.String(required=True, metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    next_proposal_id = fields.String(allow_none=True, metadata={
        "description": "after a no: the proposal of the next candidate, if there is one"})


def _op(operation_id, method, path, summary, **kwargs):
    return Operation(operation_id, "matching", method, path, summary, **kwargs)


OPERATIONS = [
    _op("registerSupporter", "POST", f"{PREFIX}/supporters", "Register a volunteer or "
        "professional supporter of the caller's organisation; waiting families are matched "
        "again.",
        body=RegisterSupporter, response=SupporterView, success=201),
    _op("updateSupporter", "PATCH", SUPPORTER, "Change some of a supporter's fields; raising "
        "the capacity matches waiting families again.", body=UpdateSupporter,
        response=SupporterView, statuses=(404,)),
    _op("getSupporter", "GET", SUPPORTER, "A supporter with load and capacity.",
        response=SupporterView, statuses=(404,)),
    _op("listSupporters", "GET", f"{PREFIX}/supporters", "The supporters of the caller's "
        "organisation, in registration order, with load and capacity, a page at a time.",
        query=PageQuery, response=SupporterList),
    _op("recordIntake", "POST", f"{PREFIX}/intakes", "The intake: does the question fit the "
        "programme? If so a supporter is proposed, or the family waits for one; if not the "
        "referral closes as declined. Until matching has heard of a referral the referral "
        "service accepted, its coordinators get 409 `not_ready` with Retry-After; a referral "
        "routed to another organisation, or none at all, is 404.",
        body=RecordIntake, response=IntakeResult, success=201,
        statuses=(404, 409), not_ready=True),
    _op("getProposal", "GET", PROPOSAL, "A proposal: the supporter, the score and the reasons, "
        "and the answers so far.", response=ProposalView, statuses=(404,)),
    _op("listProposals", "GET", f"{PREFIX}/proposals", "The open proposals of the referrals "
        "routed to the caller's organisation, the longest open first, with the parties still "
        "to answer; a page at a time. No family data.", query=PageQuery, response=ProposalList),
    _op("listWaitingList", "GET", f"{PREFIX}/waiting-list", "The referrals routed to the "
        "caller's organisation on the waiting list, the longest waiting first, with the "
        "intake's severity; a page at a time. Each one listed is in its audit trail.",
        query=PageQuery, response=WaitingList),
    _op("respondToProposal", "POST", f"{PROPOSAL}/responses", "Answer a proposal for the "
        "family or for the supporter. Both yes: the match is made and the case starts; a no: "
        "the next candidate is proposed, or the family waits.",
        body=RespondToProposal, response=ProposalView, statuses=(404, 409)),
]
