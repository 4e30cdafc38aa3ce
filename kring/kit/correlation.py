"""Correlation ids: one thing followed through every service (docs/contract.md §8).

An HTTP request gets one (the `X-Request-Id` a gateway set, when it is fit to keep, else a new
one) and its answer says it back; a partner's message gets the `correlation_id` or, failing
that, the `message_id` it came with. Whatever the request or message causes carries the same
id: the events its unit of work writes to the outbox (the envelope's `correlation_id` and the
AMQP `correlation_id` property), the partner replies, the audit record, the inbox row of every
event handled, and so on down the chain, since a worker that handles an event works under the
event's id. The log lines written meanwhile say it too (kring.kit.logs).

The id of the work in hand lives in a context variable. eventlet runs each nameko worker and
each HTTP request in a green thread of its own, and greenlet gives every green thread its own
context, empty when it starts (tests/unit/test_correlation.py checks both): a value set in one
worker is never seen by another, and a worker starts with nothing until it is told.
"""
import contextvars
import uuid
from dataclasses import dataclass

HEADER = "X-Request-Id"
MAX_LENGTH = 100
WORKER_KEY = "correlation_id"  # in a nameko worker's context data


@dataclass
class Scope:
    """What a log line may say about the work in hand: never anything of a family."""
    correlation_id: str
    service: str | None = None
    referral_id: str | None = None
    caller: object = None  # an HTTP call's Caller learns its referral as the call goes on

    @property
    def referral(self):
        return self.referral_id or getattr(self.caller, "referral_id", None)


_scope = contextvars.ContextVar("kring_scope", default=None)


def new_id():
    return str(uuid.uuid4())


def valid(value):
    """Fit to keep and to log: text of 1 to 100 visible ASCII characters (no spaces, no
    control characters), as a gateway's request id is."""
    return isinstance(value, str) and 0 < len(value) <= MAX_LENGTH and \
        all("!" <= char <= "~" for char in value)


def accept(value):
    """`value` when it is valid, else a new id."""
    return value if valid(value) else new_id()


def current():
    """The correlation id of the work in hand, or None outside any."""
    scope = _scope.get()
    return scope.correlation_id if scope is not None else None


def scope():
    return _scope.get()


def enter(correlation_id, service=None, referral_id=None, caller=None):
    """Work under `correlation_id` (made valid) from now on in this green thread."""
    _scope.set(Scope(accept(correlation_id), service, referral_id, caller))
    return _scope.get()


def leave():
    _scope.set(None)


def of_message(message):
    """A partner's message: its own correlation id, else its message id, else a new one."""
    properties = message.properties or {}
    for value in (properties.get("correlation_id"), properties.get("message_id")):
        if valid(value):
            return value
    return new_id()


def enter_worker(worker_ctx):
    """Called as a nameko worker starts, in its green thread: an event's handler works under
    the event's id, anything else under the id its entrypoint handed over (an HTTP request's,
    a partner message's), or a new one (a timer, an operator's call)."""
    event = _argument(worker_ctx, "event_id")
    caller = _argument(worker_ctx, "operation_id")
    correlation_id = getattr(event, "correlation_id", None) if event is not None else None
    if not valid(correlation_id):
        correlation_id = worker_ctx.data.get(WORKER_KEY)
    enter(correlation_id, worker_ctx.container.service_name,
          getattr(event, "referral_id", None), caller)


def _argument(worker_ctx, attribute):
    """The first argument of the worker that has `attribute` (an Event, a Caller): duck-typed,
    so that this module needs neither the contracts nor the access rules."""
    return next((arg for arg in worker_ctx.args if hasattr(arg, attribute)), None)
