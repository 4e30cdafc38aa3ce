"""psycopg2 under eventlet: every connection waits for the database as a green thread
(psycogreen), except a StillConnection, whose round trips the whole process waits for.

Waiting as a green thread lets every other green thread that is ready run first; on a busy
process an answer from the database can then lie unread for tens of milliseconds. That is
right for nearly all work, and wrong for the one write that must follow an outside event as
closely as it can: notify's record that the mail server has taken a notice (a crash in between
mails it twice). That write goes over a StillConnection.

A still wait is bounded (STILL_WAIT_SECONDS): a database that is slow to answer, or a lock that
only another green thread of this process could release, gets the ordinary green wait after
that, so the process never stands still for long.
"""
import time

import psycopg2
from eventlet.patcher import original
from psycogreen.eventlet import eventlet_wait_callback
from psycopg2 import extensions

_blocking_select = original("select")  # eventlet's is green: it would let others run

STILL_WAIT_SECONDS = 0.25

_EVENTS = {extensions.POLL_READ: _blocking_select.POLLIN,
           extensions.POLL_WRITE: _blocking_select.POLLOUT}


class StillConnection(extensions.connection):
    """A psycopg2 connection that holds the process still while it waits (connection_factory)."""


def make_psycopg2_green():
    """Install the wait callback; psycopg2 otherwise blocks the hub on every query."""
    extensions.set_wait_callback(_wait)


def _wait(conn, timeout=-1):
    if isinstance(conn, StillConnection) and _wait_still(conn):
        return
    eventlet_wait_callback(conn, timeout)


def _wait_still(conn):
    """Drive conn to the end of its exchange without yielding; False when the time is up
    before that (the caller goes on waiting as a green thread)."""
    deadline = time.monotonic() + STILL_WAIT_SECONDS
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return True
        if state not in _EVENTS:
            raise psycopg2.OperationalError(f"unexpected state from poll: {state!r}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        poller = _blocking_select.poll()
        poller.register(conn.fileno(), _EVENTS[state])
        if not poller.poll(remaining * 1000):
            return False
