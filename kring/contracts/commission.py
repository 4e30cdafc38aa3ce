"""HTTP bodies and operations of the municipality's commission (beschikking; see
docs/contract.md §4 "Commissions"): a programme whose definition says `commission_required`
waits after a fitting intake until the family's municipality decides. The municipality sees
only what the decision needs: never a contact name, phone, postcode or the question in the
family's words.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kring.contracts.events import SEVERITIES
from kring.contracts import paging
from kring.contracts.fields import Flag, Strict, text
from kring.contracts.operation import PREFIX, Operation
from kring.contracts.referral import URGENCIES

# where a commission stands: asked and waiting, decided either way, or the referral closed
# (withdrawn, erased) before the municipality decided
AWAITING, COMMISSIONED, NOT_COMMISSIONED, WITHDRAWN = (
    "awaiting", "commissioned", "not_commissioned", "withdrawn")
STATES = (AWAITING, COMMISSIONED, NOT_COMMISSIONED, WITHDRAWN)
DECIDED = (COMMISSIONED, NOT_COMMISSIONED)
LISTS = ("awaiting", "decided")  # listCommissionRequests' `state`
DEFAULT_LIMIT = 50  # the contract's, older than kring.contracts.paging's 20


class DecideCommission(Strict):
    commissioned = Flag(required=True)
    reason = text(2000, load_default=None, allow_none=True, metadata={
        "description": "required when `commissioned` is false: why not. Kept in the referral "
                       "service (the coordinating organisation reads it), never sent on"})

    @validates_schema
    def reason_for_a_no(self, data, **_):
        if data.get("commissioned") is False and not data.get("reason"):
            raise ValidationError("say why the support is not commissioned", "reason")


class ListCommissionsQuery(Strict):
    state = fields.String(load_default="awaiting", validate=validate.OneOf(LISTS), metadata={
        "description": "`awaiting` (the default): waiting for a decision, the longest waiting "
                       "first; `decided`: commissioned or not, the latest decision first"})
    limit = paging.limit(DEFAULT_LIMIT)
    cursor = paging.cursor()
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={
        "description": "how many to skip (page by page: offset + limit), after the page "
                       "`cursor` names if it is given"})


class DecidedBy(Schema):
    role = fields.String(required=True)
    organisation = fields.String(required=True)


class CommissionView(Schema):
    """One referral as its municipality sees it for the decision."""
    referral_id = fields.String(required=True)
    programme = fields.String(required=True)
    coordinating_org = fields.String(required=True)
    municipality_code = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    asked_at = fields.String(required=True, metadata={
        "format": "date-time", "description": "when the intake asked for the commission"})
    intake_at = fields.String(required=True, metadata={"format": "date-time"})
    severity = fields.String(allow_none=True, validate=validate.OneOf(SEVERITIES))
    children_ages = fields.List(fields.Integer(), required=True)
    domains = fields.List(fields.String(), required=True)
    urgency = fields.String(allow_none=True, validate=validate.OneOf(URGENCIES))
    decided_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    decided_by = fields.Nested(DecidedBy, allow_none=True)


class CommissionList(Schema):
    state = fields.String(required=True, validate=validate.OneOf(LISTS))
    commissions = fields.List(fields.Nested(CommissionView), required=True)
    total = fields.Integer(required=True, metadata={
        "description": "how many there are in all, for paging"})
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    next_cursor = paging.next_cursor()


COMMISSION = f"{PREFIX}/commissions"

OPERATIONS = [
    Operation("decideCommission", "referral", "POST",
              f"{PREFIX}/referrals/<referral_id>/commission",
              "The municipality decides on a referral waiting for its commission: yes, and "
              "matching starts; no (with a reason), and the referral closes as declined. "
              "409 when it is not waiting for one, a second decision included.",
              body=DecideCommission, response=CommissionView, statuses=(404, 409)),
    Operation("listCommissionRequests", "referral", "GET", COMMISSION,
              "The referrals of the caller's municipality waiting for its commission "
              "(`state=awaiting`), or decided (`state=decided`), a page at a time.",
              query=ListCommissionsQuery, response=CommissionList),
    Operation("getCommissionRequest", "referral", "GET", f"{COMMISSION}/<referral_id>",
              "One referral as its municipality sees it for the decision; 404 for one that "
              "never asked for a commission.",
              response=CommissionView, statuses=(404,)),
]
