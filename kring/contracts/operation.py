"""One HTTP operation of the public API: what the entrypoint serves and the document says."""
from dataclasses import dataclass, field

from kring.contracts.access import rule_of

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    service: str
    method: str
    path: str  # werkzeug rule, e.g. /api/v1/referrals/<referral_id>
    summary: str
    body: type | None = None  # marshmallow schema of the request body
    response: type | None = None
    success: int = 200
    statuses: tuple = ()  # error statuses this operation can answer besides 400/401/403/422
    # it names a referral its service learns of by an event: until then a caller who may see
    # it gets 409 `not_ready` with Retry-After (kring.kit.unheard, docs/contract.md §4)
    not_ready: bool = False
    query: type | None = None  # marshmallow schema of the query string
    # what it answers other than JSON (e.g. text/html): the entrypoint returns the Response
    media_types: tuple = ()
    # media type -> the query's `format` it stands for, when an Accept header asks for it
    # and the query says no format of its own (getReports: text/csv -> csv)
    formats: dict = field(default_factory=dict)

    @property
    def rule(self):
        """Who may call it and what they reach: its row of kring.contracts.access."""
        return rule_of(self.operation_id)

    @property
    def roles(self):
        return self.rule.roles

    @property
    def public(self):
        return not self.roles
