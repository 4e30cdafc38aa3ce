"""HTTP bodies and operations of the aftercare service (docs/contract.md §4).

Aftercare (nazorg) is the coordinators' of the organisation the referral is routed to (and no
one else's: kring/contracts/access.py): the agreed contacts after a handover, a relapse that
sends the case back to casework, and the end that closes the referral as completed.
"""
from marshmallow import Schema, fields, validate

from kring.contracts.operation import PREFIX, Operation
from kring.contracts.fields import Strict, text
from kring.contracts.paging import Page, PageQuery

AFTERCARE_STATUSES = ("active", "completed", "withdrawn", "relapsed")
PLAN = f"{PREFIX}/aftercare/<aftercare_id>"


class LogAftercareContact(Strict):
    date = fields.Date(required=True, metadata={"description": "the day the contact took place"})
    notes = text(5000, required=True)
    support_figure_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the contact was with this support figure (one of support_figures)"})


class ReportRelapse(Strict):
    notes = text(5000, required=True)


class CompleteAftercare(Strict):
    notes = text(5000, load_default=None, allow_none=True)


class AftercareReceivingParty(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("municipality",
                                                                 "local_partner")))
    name = fields.String(required=True)


class AftercareContact(Schema):
    due_on = fields.Date(allow_none=True, metadata={"description": "null: an extra contact"})
    done_on = fields.Date(allow_none=True)
    overdue = fields.Boolean(required=True, metadata={
        "description": "not done within a few days of its due date"})
    notes = fields.String(allow_none=True)
    support_figure_id = fields.String(allow_none=True)


class StayingFigureView(Schema):
    figure_id = fields.String(required=True)
    name = fields.String(allow_none=True, metadata={"description": "null once erased"})
    functions = fields.List(fields.String(), required=True)


class AftercareView(Schema):
    aftercare_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    case_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(AFTERCARE_STATUSES))
    severity = fields.String(required=True)
    receiving_party = fields.Nested(AftercareReceivingParty, required=True)
    started_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    end_notes = fields.String(allow_none=True)
    support_figures = fields.List(fields.Nested(StayingFigureView), required=True, metadata={
        "description": "the support figures who stay involved, as the handover named them"})
    contacts = fields.List(fields.Nested(AftercareContact), required=True)


class AftercareRow(Schema):
    aftercare_id = fields.String(required=True)
    referral_id = fields.String(required=True)
    case_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(AFTERCARE_STATUSES))
    next_contact_on = fields.Date(required=True, metadata={
        "description": "the due day of the earliest scheduled contact not done yet"})
    overdue = fields.Boolean(required=True, metadata={
        "description": "a contact not done is overdue, as getAftercare's contacts say"})
    ends_on = fields.Date(required=True)


class AftercareList(Page):
    aftercare = fields.List(fields.Nested(AftercareRow), required=True)


OPERATIONS = [
    Operation("listAftercare", "aftercare", "GET", f"{PREFIX}/aftercare",
              "The active aftercare routed to the caller's organisation with a contact still "
              "to make, the earliest due first (the overdue among them); a page at a time. "
              "Each one listed is in its audit trail.",
              query=PageQuery, response=AftercareList),
    Operation("getAftercare", "aftercare", "GET", PLAN,
              "An aftercare plan: its status, the agreed contacts (due, done, overdue) and "
              "when it ends.",
              response=AftercareView, statuses=(404,)),
    Operation("logAftercareContact", "aftercare", "POST", f"{PLAN}/contacts",
              "Log an aftercare contact: it fulfils the earliest open scheduled contact, or is "
              "added as an extra contact when none is open.",
              body=LogAftercareContact, response=AftercareView,
              success=201, statuses=(404, 409)),
    Operation("reportRelapse", "aftercare", "POST", f"{PLAN}/relapse",
              "The family slid back during aftercare: aftercare stops and casework reopens "
              "the case with the same supporter.",
              body=ReportRelapse, response=AftercareView,
              statuses=(404, 409)),
    Operation("completeAftercare", "aftercare", "POST", f"{PLAN}/complete",
              "End aftercare early or confirm its end; the referral is then closed with "
              "outcome completed.",
              body=CompleteAftercare, response=AftercareView,
              statuses=(404, 409)),
]
