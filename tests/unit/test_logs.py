"""Log lines (kring.kit.logs, docs/contract.md §8): KRING_LOG_FORMAT, one JSON object per line
with the correlation id of the green thread that logs, and a client's mistake in one line."""
import io
import json
import logging
from datetime import datetime

import eventlet
import pytest

from kring.config import ConfigError, Settings
from kring.errors import NotFound
from kring.kit import correlation, logs


@pytest.fixture
def json_log():
    """A logger of the test's own writing JSON lines into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_the_format_is_plain_unless_json_is_asked_for():
    assert Settings.from_env({}).log_format == "plain"
    assert Settings.from_env({"KRING_LOG_FORMAT": ""}).log_format == "plain"
    assert Settings.from_env({"KRING_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ConfigError, match="KRING_LOG_FORMAT"):
        Settings.from_env({"KRING_LOG_FORMAT": "xml"})


def test_a_json_line_says_when_what_and_for_which_request(json_log):
    logger, lines = json_log
    correlation.enter("req-1", service="referral", referral_id="r-9")
    logger.info("intake of %s recorded", "r-9")
    correlation.leave()
    logger.warning("outside any work")
    first, second = lines()
    assert set(first) == {"time", "level", "service", "correlation_id", "referral_id", "logger",
                          "message"}
    assert datetime.fromisoformat(first["time"].replace("Z", "+00:00")).tzinfo is not None
    assert (first["level"], first["service"], first["correlation_id"], first["referral_id"],
            first["logger"], first["message"]) == (
        "INFO", "referral", "req-1", "r-9", "tests.logs", "intake of r-9 recorded")
    assert (second["service"], second["correlation_id"], second["referral_id"]) == (
        "kring", None, None)


def test_green_threads_logging_at_once_each_say_their_own_id(json_log):
    logger, lines = json_log

    def work(name):
        correlation.enter(f"id-{name}")
        eventlet.sleep(0)  # the others run in between
        logger.info("done %s", name)

    threads = [eventlet.spawn(work, name) for name in "abcde"]
    for thread in threads:
        thread.wait()
    assert sorted((line["message"], line["correlation_id"]) for line in lines()) == [
        (f"done {name}", f"id-{name}") for name in "abcde"]


def test_a_traceback_is_in_the_message_in_safe_words(json_log):
    logger, lines = json_log
    family = "Fam. Yilmaz, +31612345678"
    try:
        raise ValueError(family)
    except ValueError:
        logger.exception("a bug")
    [line] = lines()
    assert line["message"].startswith("a bug\nTraceback (most recent call last):")
    assert "ValueError" in line["message"] and "Yilmaz" not in line["message"]


def test_namekos_warning_of_a_client_mistake_is_left_out_a_bug_is_kept(caplog):
    logs.one_line_for_client_mistakes()
    logger = logging.getLogger("nameko.containers")
    assert isinstance(logger.filters[0], logs.ClientMistakeOnce)
    caplog.set_level(logging.DEBUG)
    for exc, level in ((NotFound("no referral x"), logging.WARNING),
                       (RuntimeError("a bug"), logging.ERROR)):
        try:
            raise exc
        except Exception:
            logger.log(level, "(expected) error handling worker %s: %s", "w", exc,
                       exc_info=True)
    assert [record.levelno for record in caplog.records if record.name == logger.name] == \
        [logging.ERROR]


def test_a_client_mistake_is_one_line_with_the_id(caplog):
    caplog.set_level(logging.DEBUG)
    correlation.enter("req-404")
    logs.client_mistake(logging.getLogger("tests.logs"), "getReferral", NotFound("no referral"))
    correlation.leave()
    [record] = caplog.records
    assert record.levelno == logging.INFO and record.exc_info is None
    assert record.getMessage() == "getReferral answered 404 not_found (correlation id req-404)"
