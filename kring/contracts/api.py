"""Every HTTP operation of the public API (CONTRACT §4), in one table.

The services' entrypoints take their method, path and roles from here, and the OpenAPI document
is built from it, so the document cannot drift from what is served.
"""
from dataclasses import dataclass

from kring.contracts import referral

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    service: str
    method: str
    path: str  # werkzeug rule, e.g. /api/v1/referrals/<referral_id>
    summary: str
    roles: tuple = ()  # empty: public
    body: type | None = None  # marshmallow schema of the request body
    response: type | None = None
    success: int = 200
    statuses: tuple = ()  # error statuses this operation can answer besides 400/401/403/422

    @property
    def public(self):
        return not self.roles


OPERATIONS = {op.operation_id: op for op in [
    Operation("getHealth", "meta", "GET", f"{PREFIX}/health",
              "Liveness of this process and the services it runs."),
    Operation("getOpenApi", "meta", "GET", f"{PREFIX}/openapi.json",
              "This document."),
    Operation("submitReferral", "referral", "POST", f"{PREFIX}/referrals",
              "Refer a family. The same external_ref from the same organisation returns the "
              "first referral (200) instead of creating a second one.",
              roles=("referrer",), body=referral.SubmitReferral,
              response=referral.ReferralCreated, success=201),
    Operation("getReferral", "referral", "GET", f"{PREFIX}/referrals/<referral_id>",
              "Status, outcome, timeline and downstream ids of a referral. The referring "
              "organisation sees the status; coordinators also see the family's details.",
              roles=("referrer", "coordinator", "admin"), response=referral.ReferralView,
              statuses=(404,)),
    Operation("withdrawReferral", "referral", "POST", f"{PREFIX}/referrals/<referral_id>/withdraw",
              "Withdraw a referral (the family or the referrer stops; support is voluntary). "
              "Downstream work stops and the supporter's capacity is freed.",
              roles=("referrer", "coordinator"), body=referral.WithdrawReferral,
              response=referral.ReferralView, statuses=(404, 409)),
]}


def operations_of(service):
    return [op for op in OPERATIONS.values() if op.service == service]
