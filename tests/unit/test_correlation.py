"""Correlation ids (kring.kit.correlation, docs/contract.md §8): which ids are kept, and that a
green thread's id is its own — eventlet runs every nameko worker and HTTP request in one."""
import uuid
from types import SimpleNamespace

import eventlet
import pytest

from kring.contracts.events import make_event, read_event
from kring.kit import correlation


@pytest.mark.parametrize("value", ["a", "gateway-req-0001", "x" * 100,
                                   "7f0c:1a2b/3c4d_5e6f.@~!"])
def test_a_visible_ascii_id_of_at_most_100_characters_is_kept(value):
    assert correlation.accept(value) == value


@pytest.mark.parametrize("value", [None, "", "x" * 101, "with space", "tab\t", "line\nbreak",
                                   "nul\x00", "é", 42, b"bytes"])
def test_anything_else_gets_a_new_id(value):
    made = correlation.accept(value)
    assert made != value and uuid.UUID(made)


def worker(name, seen, gate):
    seen.append((name, "start", correlation.current()))
    correlation.enter(f"id-{name}", service=name)
    gate.wait()  # every worker has set its own id before any reads it back
    seen.append((name, "end", correlation.current(), correlation.scope().service))


def test_each_green_thread_has_its_own_id_and_starts_without_one():
    correlation.enter("the-spawner")
    gate = eventlet.event.Event()
    seen = []
    threads = [eventlet.spawn(worker, name, seen, gate) for name in ("a", "b", "c")]
    eventlet.sleep(0)  # each runs up to its wait
    gate.send(None)
    for thread in threads:
        thread.wait()
    assert sorted(entry for entry in seen if entry[1] == "start") == [
        ("a", "start", None), ("b", "start", None), ("c", "start", None)]
    assert sorted(entry for entry in seen if entry[1] == "end") == [
        ("a", "end", "id-a", "a"), ("b", "end", "id-b", "b"), ("c", "end", "id-c", "c")]
    assert correlation.current() == "the-spawner"  # nothing a worker set came back here
    correlation.leave()
    assert correlation.current() is None


def worker_ctx(*args, data=None):
    return SimpleNamespace(args=args, data=data or {},
                           container=SimpleNamespace(service_name="matching"))


def test_an_event_handler_works_under_the_events_id():
    event = read_event({**make_event("referral", "consent_withdrawn", "r-1").to_message(),
                        "correlation_id": "from-the-request"})
    correlation.enter_worker(worker_ctx(event, data={"correlation_id": "from-a-header"}))
    scope = correlation.scope()
    assert (scope.correlation_id, scope.service, scope.referral) == (
        "from-the-request", "matching", "r-1")
    correlation.leave()


def test_an_event_without_one_or_with_a_bad_one_gets_a_new_id():
    for extra in ({}, {"correlation_id": "no good"}, {"correlation_id": None}):
        event = read_event({**make_event("referral", "consent_withdrawn", "r-1").to_message(),
                            **extra})
        correlation.enter_worker(worker_ctx(event))
        assert uuid.UUID(correlation.current())
    correlation.leave()


def test_a_partner_message_seeds_the_id_with_its_own():
    def message(**properties):
        return SimpleNamespace(properties=properties)
    assert correlation.of_message(message(correlation_id="c-1", message_id="m-1")) == "c-1"
    assert correlation.of_message(message(correlation_id="not fit", message_id="m-1")) == "m-1"
    assert uuid.UUID(correlation.of_message(message()))


def test_the_envelope_carries_it_only_when_there_is_one():
    event = make_event("referral", "consent_withdrawn", "r-1")
    assert "correlation_id" not in event.to_message()
    assert read_event(event.to_message()).correlation_id is None
