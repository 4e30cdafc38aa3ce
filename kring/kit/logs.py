"""Log lines as an operator reads them: `KRING_LOG_FORMAT=plain` (the default) or `json`
(docs/contract.md §2 and docs/contract.md §8).

A JSON line is one object: `time` (UTC), `level`, `service`, `correlation_id` and `referral_id`
of the work in hand (kring.kit.correlation; null outside any), `logger` and `message`. A
message never holds family data: our own are written without it, and the libraries' are
rewritten by kring.kit.failures; a traceback is printed in failures.trace's words here as well.

A client's mistake (a 404, 409, 422 ... answered by the API) is one line, written by the HTTP
entrypoint (kring.kit.web); nameko's own warning about it, with a traceback, is left out.
"""
import json
import logging
import sys
from datetime import datetime, timezone

from kring.errors import KringError
from kring.kit import correlation
from kring.kit.failures import trace

FORMATS = ("plain", "json")
PLAIN = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per record, with the correlation id of the green thread that logs."""

    def __init__(self, default_service="kring"):
        super().__init__()
        self.default_service = default_service

    def format(self, record):
        scope = correlation.scope()
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message = f"{message}\n{trace(record.exc_info[1])}"
        return json.dumps({
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "service": (scope.service if scope is not None and scope.service else
                        self.default_service),
            "correlation_id": scope.correlation_id if scope is not None else None,
            "referral_id": scope.referral if scope is not None else None,
            "logger": record.name,
            "message": message,
        }, ensure_ascii=False)


def formatter(log_format):
    return JsonLines() if log_format == "json" else logging.Formatter(PLAIN)


def configure(log_format, stream=None, level=logging.INFO):
    """The process's log: one handler on the root logger, in `log_format`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    one_line_for_client_mistakes()


class ClientMistakeOnce(logging.Filter):
    """nameko warns of an expected error with its traceback ("(expected) error handling
    worker"); for our errors (KringError: a 404, a 409 ...) the HTTP entrypoint has already
    said it in one line."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        return not (record.levelno < logging.ERROR and isinstance(exc, KringError))


def one_line_for_client_mistakes():
    # first among the logger's filters: the ones after it rewrite the exception into text
    logger = logging.getLogger("nameko.containers")
    if not any(isinstance(existing, ClientMistakeOnce) for existing in logger.filters):
        logger.filters.insert(0, ClientMistakeOnce())


def client_mistake(log, operation, exc):
    """The one line of an error answer that is the caller's to fix (status below 500)."""
    log.log(logging.WARNING if exc.status >= 500 else logging.INFO,
            "%s answered %s %s (correlation id %s)", operation, exc.status, exc.code,
            correlation.current())
