"""Erasure on request and export (docs/contract.md §4, and docs/contract.md §7 "Erasure,
retention and export"): the HTTP bodies and answers of `eraseReferral` and `exportReferral`."""
from marshmallow import Schema, fields

from kring.contracts.fields import Strict, text
from kring.contracts.operation import PREFIX, Operation


class EraseReferral(Strict):
    reason = text(500, required=True, metadata={
        "description": "the grounds (e.g. the family's request of a date, art. 17 AVG); kept "
                       "with the erasure record, so write nothing about the family in it"})


class ErasedBy(Schema):
    role = fields.String(required=True)
    organisation = fields.String(required=True)


class ErasureView(Schema):
    referral_id = fields.String(required=True)
    erased_at = fields.String(required=True, metadata={"format": "date-time"})
    erased_by = fields.Nested(ErasedBy, required=True)
    reported = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                           metadata={"description": "service -> when it erased its part"})
    waiting_for = fields.List(fields.String(), required=True,
                              metadata={"description": "services that have not reported yet"})
    complete = fields.Boolean(required=True)


class ExportView(Schema):
    referral_id = fields.String(required=True)
    exported_at = fields.String(required=True, metadata={"format": "date-time"})
    services = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True,
                           metadata={"description": "service -> everything it holds about "
                                                    "the referral (empty: nothing)"})


OPERATIONS = [
    Operation("eraseReferral", "referral", "POST", f"{PREFIX}/referrals/<referral_id>/erasure",
              "Erase the family's data of this referral in every service (art. 17 AVG). An "
              "open referral is withdrawn first. What remains is anonymous: programme, "
              "municipality, dates, hours, statuses and outcome. Asynchronous: the answer says "
              "which services have reported so far; asking again changes nothing and says it "
              "again.", body=EraseReferral, response=ErasureView, success=202,
              statuses=(404,)),
    Operation("exportReferral", "referral", "GET", f"{PREFIX}/referrals/<referral_id>/export",
              "Everything the five services hold about this referral's family, in one JSON "
              "document (art. 15 and 20 AVG). A service that does not answer fails the whole "
              "answer (503).", response=ExportView, statuses=(404, 503)),
]
