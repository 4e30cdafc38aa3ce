"""kring.kit.failures: a failure described without the values it choked on."""
import logging
import smtplib

from kring.errors import NotAllowed
from kring.kit.failures import ValuesLeftOut, describe, trace

FAMILY = "Fam. Yilmaz"


def test_a_failure_is_its_kind_not_the_values_in_its_message():
    assert describe(ValueError(f"invalid name {FAMILY!r}")) == "ValueError"
    assert describe(KeyError(FAMILY)) == "KeyError"
    refused = smtplib.SMTPRecipientsRefused({"anna@huisarts.example": (550, b"no such user")})
    assert describe(refused) == "SMTPRecipientsRefused: [550]"
    assert describe(smtplib.SMTPDataError(554, b"anna@huisarts.example")) == "SMTPDataError: 554"
    assert describe(ConnectionRefusedError(111, "Connection refused")) == \
        "ConnectionRefusedError: Connection refused"


def test_our_own_errors_keep_their_words():
    assert describe(NotAllowed("the referral is already closed (withdrawn)")) == \
        "NotAllowed: the referral is already closed (withdrawn)"


def test_a_trace_shows_where_and_what_caused_it_without_the_messages():
    def fail():
        try:
            raise ValueError(FAMILY)
        except ValueError as exc:
            raise RuntimeError(FAMILY) from exc
    text = trace(raised_from(fail))
    assert FAMILY not in text and "in fail" in text
    assert "ValueError" in text and "which caused" in text and text.endswith("RuntimeError")


def raised_from(function):
    try:
        function()
    except Exception as caught:
        return caught


def test_the_library_log_filter_leaves_the_values_out(caplog):
    logger = logging.getLogger("tests.failures")
    logger.addFilter(ValuesLeftOut())
    with caplog.at_level(logging.DEBUG):
        try:
            raise ValueError(FAMILY)
        except ValueError as exc:  # as nameko logs a failed worker
            logger.exception("error handling worker %s: %s", "<worker>", exc)
    record = caplog.records[-1]
    assert FAMILY not in caplog.text and record.exc_info is None
    assert "test_the_library_log_filter_leaves_the_values_out" in record.getMessage()
    assert "error handling worker <worker>: ValueError" in record.getMessage()
