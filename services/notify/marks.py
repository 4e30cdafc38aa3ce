"""Deliveries the mail server has taken that the database may not hold yet: one small file per
notice, written the instant the server took it and removed once the database has the record.

The record in the database takes a few round trips; a crash of the process among them, or a
database that is away at that moment, would mail the notice again once its claim lapses.
Writing a mark is a write into the operating system's page cache, which no crash of this
process can undo. (A crash of the whole machine can: then the notice goes again with its
Message-ID, as it would without marks.) Sweeps record what marks left behind say
(handlers.send_due), then remove them: a mark SETTLE_SECONDS old, or any mark an earlier start
of this notify wrote (before this start began), since the claims of that start are taken back
at once (services.notify.claims) and its marks must be recorded before.

A mark holds the notice's id (its name), its referral and kind, and where it went, the
referrer's address included: sealed under the data keys (kring.kit.crypto.seal_file), as the
databases keep that address, and readable by its owner only. A mark from before marks were
sealed is read as it is.
"""
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from nameko.extensions import DependencyProvider

from kring.config import DATA_DIR_KEY, DEFAULT_DATA_DIR
from kring.clock import iso
from kring.kit.crypto import DataKeyError, open_file, seal_file
from services.notify.content import MARK_FILES

log = logging.getLogger(__name__)

SUFFIX = ".json"
# A younger mark may belong to a record still under way, which its sender removes in a moment.
# Leaving it costs nothing: its notice stays claimed for domain.CLAIM_SECONDS, far longer.
SETTLE_SECONDS = 10
FIELDS = ("referral_id", "kind", "channel", "recipient", "location", "sent_at")


@dataclass(frozen=True)
class Mark:
    """A mark left behind. `delivery` holds the arguments of Notice.delivered, or is None for
    a mark that cannot be read (a crash cut its writing off)."""
    notice_id: int
    path: Path
    age_seconds: float
    referral_id: str | None = None
    kind: str | None = None
    delivery: dict | None = None


class Marks:
    """The marks in one folder. Its folder is made at the first use (`left`, which a sweep
    asks before its first delivery, or `put`), once per Marks: each sweep has a Marks of its
    own (DeliveryMarks), so a folder that could not be made is tried again by the next sweep."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._folder_tried = False

    @classmethod
    def under(cls, data_dir):
        """<KRING_DATA_DIR>/notify/marks: on the volume that outlives a restart of notify."""
        return cls(Path(data_dir or DEFAULT_DATA_DIR) / "notify" / "marks")

    def _make_folder(self):
        """Before the first mark is needed, not when it matters: a sweep asks `left` first."""
        if self._folder_tried:
            return
        self._folder_tried = True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # notices still go; only without this protection
            log.warning("no delivery marks: cannot make %s: %s", self.folder, exc)

    def put(self, notice):
        """Mark `notice` (just delivered) as taken by the server. Never raises: without its
        mark a notice is recorded as before, only without this protection."""
        self._make_folder()  # made by the sweep's `left` already: no time lost here
        body = json.dumps({field: getattr(notice, field) for field in FIELDS[:-1]}
                          | {"sent_at": iso(notice.sent_at)})
        path = self._path(notice.notice_id)
        try:
            sealed = seal_file(body.encode("utf-8"), MARK_FILES, path.name)
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(handle, sealed)
            finally:
                os.close(handle)
        except (OSError, DataKeyError) as exc:
            log.warning("could not mark notice %s as taken by the server: %s",
                        notice.notice_id, exc)

    def remove(self, notice_id):
        self.discard(self._path(notice_id))

    def discard(self, path):
        """Remove a mark; one that is gone already (a racing sweep) or cannot be removed
        (logged) changes nothing: recording from a mark is idempotent."""
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the delivery mark %s: %s", path, exc)

    def left(self, now, written_before=None):
        """Every mark left behind at `now`, oldest first: SETTLE_SECONDS old at least, or
        written before `written_before` (a Unix time: when this start of notify began; an
        earlier start's marks belong to no record under way, however young)."""
        self._make_folder()
        try:
            paths = [path for path in self.folder.glob(f"*{SUFFIX}") if _is_id(path.stem)]
        except OSError:
            return []
        marks = [_read(path, now.timestamp()) for path in paths]
        settled_age = SETTLE_SECONDS if written_before is None else \
            min(SETTLE_SECONDS, now.timestamp() - written_before)
        return sorted((mark for mark in marks
                       if mark is not None and mark.age_seconds >= settled_age),
                      key=lambda mark: -mark.age_seconds)

    def _path(self, notice_id):
        return self.folder / f"{notice_id}{SUFFIX}"


class DeliveryMarks(DependencyProvider):
    """The marks of notify's deliveries (<KRING_DATA_DIR>/notify/marks) for each worker.

    Every worker gets a Marks of its own, which makes its folder at its first use: so a sweep
    makes the folder (or warns that it cannot) before it delivers anything, as each sweep
    always has, and a folder that can be made only later works from the sweep after. A worker
    that sends nothing (`kring notices`, an event already applied) touches no folder.
    """

    data_dir = None

    def setup(self):
        self.data_dir = self.container.config[DATA_DIR_KEY]

    def get_dependency(self, worker_ctx):
        return Marks.under(self.data_dir)


def _is_id(stem):
    """Only names this module writes: "10", never "010" (which would stand for 10.json)."""
    return stem.isdigit() and stem == str(int(stem))


def _read(path, now):
    try:
        age = now - path.stat().st_mtime
        content = path.read_bytes()
    except OSError:  # removed meanwhile by a racing sweep or its own sender, or unreadable
        return None
    try:
        data = json.loads(open_file(content, MARK_FILES, path.name).decode("utf-8"))
        if not isinstance(data, dict) or not all(isinstance(data.get(field), str)
                                                 for field in FIELDS):
            raise ValueError("a field is missing")
        delivery = {"channel": data["channel"], "recipient": data["recipient"],
                    "location": data["location"], "now": datetime.fromisoformat(data["sent_at"])}
    except (ValueError, DataKeyError):  # cut off, or sealed under a key no longer held
        return Mark(int(path.stem), path, age)
    return Mark(int(path.stem), path, age, data["referral_id"], data["kind"], delivery)
