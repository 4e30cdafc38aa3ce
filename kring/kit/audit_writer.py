"""Audit records of calls that changed nothing, several to a commit (docs/security.md "The
audit trail").

A read changes nothing, yet its record must be committed before its answer goes: one commit,
with its flush to disk, per read made reads cost as much as changes. Here the reads (and the
refused calls) that answer at the same moment hand their records to one writer, which commits
them together and only then lets each of them answer. So the promise stays as it was: no
answer is out before its record is stored, and a crash before the commit loses answers that
never went out, not records of answers that did. A record the writer cannot store fails its
call (a read answers 503 and gives nothing away); a clean stop waits for the last commit.
"""
import eventlet
from eventlet.event import Event
from sqlalchemy import insert

from kring.kit import audit


class SharedCommits:
    """Collects audit rows and commits them in turns: whatever arrived while the previous
    commit was under way goes into the next one. `unit_of_work` makes a fresh one."""

    def __init__(self, unit_of_work):
        self._unit_of_work = unit_of_work
        self._waiting = []  # (row, Event of its commit)
        self._writer = None

    def write(self, caller, answer):
        """Store the record of `caller`'s call and its `answer`; returns once it is committed
        and raises what the commit raised."""
        committed = Event()
        self._waiting.append((audit.call_row(caller, answer), committed))
        if self._writer is None:
            self._writer = eventlet.spawn(self._write_all)
        committed.wait()

    def _write_all(self):
        try:
            while self._waiting:
                eventlet.sleep(0)  # the calls answering at this moment join this commit
                batch, self._waiting = self._waiting, []
                try:
                    with self._unit_of_work() as uow:
                        uow.session.execute(insert(uow.audit_table), [row for row, _ in batch])
                except Exception as exc:  # every call of the batch hears it
                    for _, committed in batch:
                        committed.send_exception(exc)
                else:
                    for _, committed in batch:
                        committed.send(None)
        finally:
            self._writer = None

    def close(self):
        """Wait for the records handed in so far to be committed (a clean stop)."""
        writer = self._writer
        if writer is not None:
            writer.wait()
