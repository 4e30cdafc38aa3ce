"""One HTTP operation of the public API: what the entrypoint serves and the document says."""
from dataclasses import dataclass

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
