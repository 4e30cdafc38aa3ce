"""The audit trail's shape (docs/security.md "The audit trail"): who read or changed which
referral's data, when, and the answer given. Ids and names of people and organisations only;
never a family's data."""
from marshmallow import Schema, fields

from kring.contracts.operation import PREFIX, Operation

SYSTEM_ROLE = "system"  # a service acting on its own (a notice sent to the referrer)
PARTNER_ROLE = "partner"  # a partner's system on the queues (docs/contract.md §5), not a token


class AuditEntry(Schema):
    at = fields.String(required=True, metadata={"format": "date-time"})
    service = fields.String(required=True)
    operation = fields.String(required=True, metadata={
        "description": "an operationId of this document, or a command or a service's own "
                       "act (sendNotice)"})
    person = fields.String(required=True, metadata={"description": "the token's sub"})
    organisation = fields.String(required=True)
    role = fields.String(required=True)
    answer = fields.Integer(required=True, metadata={"description": "the HTTP status given"})
    target_id = fields.String(allow_none=True, metadata={
        "description": "the id in the path (a case, a proposal), when not the referral's"})


class AuditView(Schema):
    referral_id = fields.String(required=True)
    entries = fields.List(fields.Nested(AuditEntry), required=True)


OPERATIONS = [
    Operation("getAudit", "referral", "GET", f"{PREFIX}/referrals/<referral_id>/audit",
              "Every read and change of this referral's data in all five services: who, what, "
              "when and the answer given, in time order.", response=AuditView,
              statuses=(404, 503)),
]
