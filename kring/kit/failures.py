"""What failed, in words that hold no family data: for log lines, the error header of a parked
message and any other place an operator reads (docs/contract.md §7 "Data in motion").

An exception's message may quote the values it choked on: a database's "Failing row contains
(…)", a mail server's "<anna@huisarts.example>: recipient rejected", a parser's "invalid value
'…'". So a failure is described by its kind and by what names it concerns, never by the values:
our own errors (KringError) keep their message, which we write without family text; database
errors keep the message kring.kit.db makes for them (SQLSTATE and the names of the table,
column and constraint); a mail server's refusal keeps its code; the rest keep their class name.
"""
import json
import logging
import smtplib
import traceback

from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from kring.errors import KringError

# exceptions whose messages are about the code, never about the data it handled
_ABOUT_CODE = (AttributeError, NameError, TypeError, ImportError, NotImplementedError)


def describe(exc):
    """`Kind: what` for `exc`, safe to log and to keep with a parked message."""
    kind = type(exc).__name__
    if isinstance(exc, SQLAlchemyError):
        # kring.kit.db has already reduced a driver's message to codes and names
        return f"{kind}: {str(exc).splitlines()[0]}" if str(exc) else kind
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{kind}: {sorted(code for code, _ in exc.recipients.values())}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{kind}: {exc.smtp_code}"
    if isinstance(exc, OSError):  # the system's words (refused, timed out), not a file name
        return f"{kind}: {exc.strerror}" if exc.strerror else kind
    if isinstance(exc, (KringError, json.JSONDecodeError, ValidationError) + _ABOUT_CODE):
        # ValidationError: marshmallow's messages name fields and rules, never the values
        return f"{kind}: {exc}"
    return kind


def trace(exc):
    """Where `exc` (and what caused it) was raised, as a traceback shows it, but each exception
    described by `describe` instead of its message."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        stack = "".join(traceback.format_tb(exc.__traceback__))
        parts.insert(0, f"Traceback (most recent call last):\n{stack}{describe(exc)}")
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return "\n\nwhich caused:\n".join(parts)


class ValuesLeftOut(logging.Filter):
    """A filter for loggers of the libraries we run on (nameko logs a failed worker with its
    exception and traceback): exceptions among the arguments, and the traceback, in the words of
    `describe` and `trace`."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(describe(arg) if isinstance(arg, BaseException) else arg
                                for arg in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            record.msg, record.args = f"{record.getMessage()}\n{trace(record.exc_info[1])}", None
            record.exc_info, record.exc_text = None, None
        return True


# the loggers of the libraries that log an exception of ours (a logger's filter sees only the
# records made on that logger, so each is named)
LIBRARY_LOGGERS = ("nameko.containers", "nameko.messaging", "nameko.rpc", "nameko.web.server",
                   "nameko.extensions", "kombu.mixins", "kombu.messaging", "eventlet.wsgi")


def keep_values_out_of_library_logs():
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, ValuesLeftOut) for existing in logger.filters):
            logger.addFilter(ValuesLeftOut())
