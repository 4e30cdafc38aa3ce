"""Waiting for what a user or operator would see, without sleeping a fixed time.

The services talk by events, so a test that drives them from outside (a real process, the
public API) re-checks a condition until a deadline instead of guessing how long it takes.
"""
import time

WAIT_SECONDS = 30


def eventually(check, timeout=WAIT_SECONDS, what="the condition"):
    """Re-check `check()` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.05)
