"""Deliveries the mail server has taken that the database may not hold yet: one small file per
notice, written the instant the server took it and removed once the database has the record.

The record in the database takes a round trip; a crash of the process inside it, or a database
that is away at that moment, would mail the notice again once its claim lapses. Writing a mark
is one system call into the operating system's page cache, which no crash of this process can
undo. (A crash of the whole machine can: then the notice goes again with its Message-ID, as it
would without marks.) Each sweep first records what the marks left behind say
(handlers.send_due), then removes them.

A mark holds the notice's id (its name) and where it went, the referrer's address included:
no family data. It lives for the milliseconds of one record, and is readable by its owner only.
"""
import json
import logging
import os
from datetime import datetime
from pathlib import Path

from kring.config import DEFAULT_DATA_DIR
from kring.kit.clock import iso

log = logging.getLogger(__name__)

SUFFIX = ".json"


class Marks:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)  # now, not when it matters

    @classmethod
    def under(cls, data_dir):
        """<KRING_DATA_DIR>/notify/marks: on the volume that outlives a restart of notify."""
        return cls(Path(data_dir or DEFAULT_DATA_DIR) / "notify" / "marks")

    def put(self, notice):
        """Mark `notice` (just delivered) as taken by the server. Never raises: without its
        mark a notice is recorded as before, only without this protection."""
        body = json.dumps({"channel": notice.channel, "recipient": notice.recipient,
                           "location": notice.location, "sent_at": iso(notice.sent_at)})
        try:
            handle = os.open(self._path(notice.notice_id),
                             os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(handle, body.encode("utf-8"))
            finally:
                os.close(handle)
        except OSError as exc:
            log.warning("could not mark notice %s as taken by the server: %s",
                        notice.notice_id, exc)

    def remove(self, notice_id):
        self._path(notice_id).unlink(missing_ok=True)

    def left(self):
        """(notice_id, delivery) for each mark there is; delivery holds the arguments of
        Notice.delivered, or is None for a mark that cannot be read (cut off by a crash)."""
        for path in sorted(self.folder.glob(f"*{SUFFIX}")):
            try:
                notice_id = int(path.stem)
            except ValueError:
                continue  # not ours
            try:
                delivery = json.loads(path.read_text(encoding="utf-8"))
                delivery["now"] = datetime.fromisoformat(delivery.pop("sent_at"))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                delivery = None
            yield notice_id, delivery

    def _path(self, notice_id):
        return self.folder / f"{notice_id}{SUFFIX}"
