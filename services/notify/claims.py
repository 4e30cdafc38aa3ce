"""Who notify claims its notices as (domain.Claimant): the instance, and this start of it.

The instance id is kept in <KRING_DATA_DIR>/notify/instance, made at the first start: the
same after every restart on that data directory. Each start gets a fresh start id. A claim
carries both (models.NoticeRow), so a restarted notify knows the claims of its earlier start,
whose sender died with it, and takes them back at once (domain.may_take) instead of waiting a
minute for them to lapse; after recording what that start's delivery marks say
(handlers.send_due), so a notice the server took is not sent again.

That is only right while one process at a time runs as the instance. The running notify
holds a lock on the instance file (released by the operating system however the process
ends); a second process on the same data directory does not get it and claims under an id of
its own for this start, as another replica would: it never takes the first one's claims.
"""
import fcntl
import logging
import os
import time
import uuid
from pathlib import Path

from nameko.extensions import DependencyProvider

from kring.config import DATA_DIR_KEY, DEFAULT_DATA_DIR
from services.notify.domain import Claimant

log = logging.getLogger(__name__)

INSTANCE_FILE = "instance"


def instance_file(data_dir):
    return Path(data_dir or DEFAULT_DATA_DIR) / "notify" / INSTANCE_FILE


def one_off():
    """A claimant of its own, for a single use (a sender given no identity): it takes no claim
    but lapsed ones, and has no earlier start whose marks it would settle early."""
    return Claimant(f"one-off-{uuid.uuid4().hex}", uuid.uuid4().hex)


class Instance:
    """This process's claimant on `path`: the instance id read (or made) and locked, a fresh
    start id; `release` lets the next start have the instance."""

    def __init__(self, path):
        self.path = Path(path)
        self._handle = None
        self.claimant = None

    def begin(self):
        try:
            instance = self._read_or_make()
        except OSError as exc:  # notices still go; a restart waits for its claims to lapse
            log.warning("no lasting notify instance id (%s: %s): claims of this start lapse "
                        "as another replica's would", self.path, exc)
            instance = None
        self.claimant = Claimant(instance, uuid.uuid4().hex, time.time()) if instance \
            else one_off()
        return self.claimant

    def release(self):
        if self._handle is not None:
            os.close(self._handle)  # and with it the lock
            self._handle = None

    def _read_or_make(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            log.warning("another notify process runs on %s: this one claims as a replica of "
                        "its own, and restarts of it wait for its claims to lapse",
                        self.path.parent.parent)
            return None
        except OSError:
            os.close(handle)
            raise
        self._handle = handle
        instance = os.read(handle, 200).decode("ascii", "replace").strip()
        if not _is_instance_id(instance):  # new, or cut off by a crash as it was written
            instance = uuid.uuid4().hex
            os.ftruncate(handle, 0)
            os.pwrite(handle, instance.encode("ascii"), 0)
            os.fsync(handle)
        return instance


def _is_instance_id(text):
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


class NotifyClaimant(DependencyProvider):
    """The claimant of this notify (Instance) for every worker: made when the service starts,
    the lock given back when it stops."""

    instance = None

    def setup(self):
        self.instance = Instance(instance_file(self.container.config[DATA_DIR_KEY]))
        claimant = self.instance.begin()
        log.info("notify claims as instance %s, start %s", claimant.instance, claimant.start)

    def stop(self):
        if self.instance is not None:  # None: the container never got as far as setup
            self.instance.release()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        return self.instance.claimant
