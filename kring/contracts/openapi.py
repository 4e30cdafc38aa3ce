"""The OpenAPI 3 document, built from kring.contracts.api with apispec's marshmallow plugin."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from kring.contracts.access import (ANYONE, OWN_CASE, OWN_MUNICIPALITY, OWN_ORG, REFERRING,
                                    ROUTED, TAKEN_WHEN_ERASED)
from kring.contracts.api import OPERATIONS

ERRORS = {
    400: "Malformed JSON",
    401: "No token, or a bad or expired one",
    403: "This operation is not for the token's role",
    404: "Unknown id, or one outside the caller's reach (the same answer: ids cannot be probed)",
    409: "The current status does not allow this step",
    410: "The referral's data was erased (error `referral_erased`): it takes no more changes",
    422: "Invalid fields: {\"errors\": {field: [messages]}}",
    429: "Over a limit (error `rate_limited`): try again after the Retry-After header's "
         "seconds",
    503: "The broker or the database is unreachable and nothing was stored; send the same "
         "request again after the Retry-After header (changes only; reads keep working while "
         "the broker is away)",
}
NOT_READY = ("The current status does not allow this step (error `conflict`); or (error "
             "`not_ready`) the referral was accepted but this service has not heard of it "
             "yet: try again after the Retry-After header's seconds. `not_ready` is said only "
             "to a caller who may see the referral; anyone else gets an unknown id's 404")
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer"}}}
REACH_WORDS = {
    ANYONE: "any", OWN_ORG: "its own organisation's",
    REFERRING: "referrals its organisation submitted",
    ROUTED: "what is routed to its organisation",
    OWN_CASE: "the case it is matched to, while open, with a token of its organisation",
    OWN_MUNICIPALITY: "referrals of families in its municipality (the token's org is the "
                      "municipality's CBS code)"}
PATH_PARAMETER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def build_openapi(version="0.1.0"):
    spec = APISpec(
        title="Kring API", version=version, openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Closed-loop referrals for Dutch family-support programmes."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "bearerFormat": "JWT"})
    spec.components.schema("Error", {"type": "object", "required": ["error", "message"],
                                     "properties": {"error": {"type": "string"},
                                                    "message": {"type": "string"},
                                                    "errors": {"type": "object"}}})
    paths = {}
    for op in OPERATIONS.values():
        path = PATH_PARAMETER.sub(r"{\1}", op.path)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(op):
    success = {"description": "OK"}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": op.response}}
    if op.media_types:
        # besides JSON where the operation has a JSON answer too (getReports' CSV)
        success["content"] = {**success.get("content", {}), **{
            media_type: {"schema": {"type": "string", "format": "binary"}
                         if not media_type.startswith("text/") else {"type": "string"}}
            for media_type in op.media_types}}
    responses = {str(op.success): success}
    if op.operation_id == "submitReferral":
        responses["200"] = {"description": "Already submitted: the first referral",
                            "content": {"application/json": {"schema": op.response}}}
    statuses = set(op.statuses)
    if op.body is not None:
        statuses |= {400, 422}
    if not op.public:
        statuses |= {401, 403}
    if op.method != "GET" and not op.public:
        statuses.add(503)  # changes are refused while the broker is away (kring.kit.web)
        if op.rule.audited and op.operation_id not in TAKEN_WHEN_ERASED:
            statuses.add(410)  # a change to a referral whose data was erased (kring.kit.db)
    if op.not_ready:
        statuses |= {409, 503}  # 503: the referral service did not say whose it is in time
    for status in sorted(statuses):
        responses[str(status)] = {"description": ERRORS[status], "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if op.not_ready:
        responses["409"].update(description=NOT_READY, headers=RETRY_AFTER)
    operation = {"operationId": op.operation_id, "summary": op.summary,
                 "tags": [op.service], "responses": responses}
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in PATH_PARAMETER.findall(op.path)]
    if op.query is not None:
        parameters += [{"name": field.data_key or name, "in": "query",
                        "required": field.required, "schema": {"type": "string"},
                        "description": field.metadata.get("description", "")}
                       for name, field in op.query().fields.items()]
    if parameters:
        operation["parameters"] = parameters
    if op.body is not None:
        # an empty body is read as {}: required only where the schema has a required field
        required = any(field.required for field in op.body().fields.values())
        operation["requestBody"] = {"required": required,
                                    "content": {"application/json": {"schema": op.body}}}
    if op.public:
        operation["security"] = []
        if op.rule.audited:
            operation["description"] = "Public: no token. Every call is recorded in the " \
                "audit trail (person `applicant` of organisation `public`)."
    else:
        operation["security"] = [{"bearer": []}]
        reach = "; ".join(f"{role}: {REACH_WORDS[what]}" for role, what in op.rule.reach.items())
        operation["description"] = f"Roles (docs/security.md): {reach}." + (
            " Every call is recorded in the referral's audit trail." if op.rule.audited else "")
    return operation
