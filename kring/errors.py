"""Errors the domain raises and the interfaces translate (HTTP status, partner `rejected` reply).

Pure Python on purpose: domain modules may import this and nothing else of the package.
"""


class KringError(Exception):
    """Base of every error that is the caller's to fix, never a bug of ours."""
    status = 400
    code = "bad_request"

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors


class Malformed(KringError):
    status, code = 400, "malformed"


class Unauthenticated(KringError):
    status, code = 401, "unauthenticated"


class Forbidden(KringError):
    status, code = 403, "forbidden"


class NotFound(KringError):
    status, code = 404, "not_found"


class NotAllowed(KringError):
    """The step is not allowed in the current status (409)."""
    status, code = 409, "conflict"


class NotReady(KringError):
    """The caller may see this referral, but the stage it asks has not heard of it yet: the
    stages learn of a referral by events, a moment after the referral service accepted it
    (409 `not_ready`, docs/contract.md §4 "Error answers"). Try again after `retry_after`
    seconds; only ever said to a caller the rule table lets see the referral."""
    status, code = 409, "not_ready"
    retry_after = 1

    def __init__(self, message="this step has not heard of the referral yet; try again in a "
                               "moment"):
        super().__init__(message)


class Gone(KringError):
    """A change to a referral whose data was erased (410): nothing may bring it back."""
    status, code = 410, "referral_erased"


INVALID_BODY = "the body has invalid fields"
INVALID_QUERY = "the query has invalid parameters"


class Invalid(KringError):
    """Fields failed validation; `errors` has marshmallow's shape {field: [messages]}."""
    status, code = 422, "invalid"


class Unavailable(KringError):
    status, code = 503, "unavailable"


class RateLimited(KringError):
    """Too many requests from one address or for one applicant (429): `retry_after` seconds
    until the window that is full ends."""
    status, code = 429, "rate_limited"

    def __init__(self, message, retry_after, errors=None):
        super().__init__(message, errors)
        self.retry_after = max(1, int(retry_after))
