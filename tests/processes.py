"""Real processes the tests start: `kring run` and an SMTP server (aiosmtpd) on loopback.

Readiness is read from what each process prints, not guessed with sleeps.
"""
import mailbox
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from nameko.testing.utils import find_free_port
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.exc import OperationalError

from kring.config import SERVICES
from kring.kit.db import postgres_driver

KRING = str(Path(sys.executable).parent / "kring")
ROOT = Path(__file__).resolve().parents[1]


def clean_env(**extra):
    """This process's environment without any KRING_ variable, plus `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KRING_")}
    env.update(extra)
    return env


class _Process:
    ready_line = ""

    def __init__(self):
        self.process = None
        self.log = []

    def _start(self, command, env=None):
        self.process = subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        for line in self.process.stdout:  # blocks on the next line: no polling, no sleeping
            self.log.append(line)
            if self.ready_line in line:
                break
        else:
            raise AssertionError(f"{command[0]} exited before it was ready:\n"
                                 + "".join(self.log))
        # keep draining its output, or a full pipe would stall it
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self, timeout=30):
        """SIGTERM, and its exit code once it has finished what it was doing."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._drainer.join(timeout=timeout)  # its last words are in the log
        return code

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class RunningKring(_Process):
    """`kring run ARGS` with `env`; ready once it logs that it is running."""
    ready_line = "Kring is running"

    def __init__(self, args, env):
        super().__init__()
        self.args, self.env = args, env

    def start(self):
        self.log.clear()
        self._start([KRING, "run", *self.args], self.env)
        return self


class SmtpServer(_Process):
    """aiosmtpd on loopback, delivering every message into a Maildir; `handler` names another
    Mailbox class (tests.smtp_handlers) for a server that misbehaves."""
    ready_line = "Server is listening"

    def __init__(self, folder, port=None, handler="aiosmtpd.handlers.Mailbox"):
        super().__init__()
        self.folder = Path(folder)
        self.port = port or find_free_port()
        self.handler = handler

    def start(self):
        self._start([sys.executable, "-m", "aiosmtpd", "-n", "-d", "-l",
                     f"127.0.0.1:{self.port}", "-c", self.handler, str(self.folder)],
                    env=dict(os.environ, PYTHONPATH=str(ROOT)))  # the handlers in tests/
        return self

    def messages(self):
        return list(mailbox.Maildir(str(self.folder), create=True))


@contextmanager
def broker_stopped():
    """`rabbitmqctl stop_app` for the block; the broker is always started again after it."""
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "await_startup"], check=True, capture_output=True)


class Databases:
    """Each service's database for a `kring run`, read as an operator would: a SQLite file under
    `folder`, or (given a PostgreSQL URL) a schema of its own in a throw-away database made
    next to that URL's."""

    def __init__(self, folder, postgres=None):
        self.admin, self.database = None, None
        if postgres:
            self.database = f"kring_run_{uuid.uuid4().hex[:8]}"
            self.admin = create_engine(postgres_driver(postgres), isolation_level="AUTOCOMMIT")
            with self.admin.connect() as db:
                db.execute(text(f'CREATE DATABASE "{self.database}"'))
            base = f"{postgres.rsplit('/', 1)[0]}/{self.database}"
            with create_engine(postgres_driver(base)).begin() as db:
                for service in SERVICES:
                    db.execute(text(f'CREATE SCHEMA "{service}"'))
            self.urls = {service: f"{base}?options=-csearch_path%3D{service}"
                         for service in SERVICES}
        else:
            self.urls = {service: f"sqlite:///{Path(folder) / f'{service}.db'}"
                         for service in SERVICES}
        self.engines = {}

    def env(self):
        return {f"KRING_DB_{service.upper()}": url for service, url in self.urls.items()}

    def query(self, service, sql, expanding=(), **params):
        """Rows of `sql` in `service`'s database; parameters named in `expanding` are lists
        (for `IN :name`)."""
        if service not in self.engines:
            url = self.urls[service]
            self.engines[service] = (create_engine(postgres_driver(url)) if self.admin else
                                     create_engine(url, connect_args={"timeout": 30}))
        statement = text(sql).bindparams(*(bindparam(name, expanding=True)
                                           for name in expanding))
        with self.engines[service].connect() as db:
            return db.execute(statement, params).all()

    def referral_statuses(self, ids=None):
        """status -> how many referrals (of `ids`, or all) have it, as the referral service
        stored it: a quick look for choosing the moment to break something, not for judging
        the result. Empty while SQLite is locked past its timeout."""
        sql, params = "SELECT status, count(*) FROM referrals GROUP BY status", {}
        if ids is not None:
            sql = "SELECT status, count(*) FROM referrals WHERE id IN :ids GROUP BY status"
            params = {"expanding": ("ids",), "ids": list(ids)}
        try:
            return Counter(dict(self.query("referral", sql, **params)))
        except OperationalError as exc:  # locked (SQLite), or a table not made yet
            if "locked" not in str(exc) and "no such table" not in str(exc):
                raise
            return Counter()

    def drop(self):
        for engine in self.engines.values():
            engine.dispose()
        if self.admin is not None:
            with self.admin.connect() as db:
                db.execute(text(f'DROP DATABASE "{self.database}" WITH (FORCE)'))
            self.admin.dispose()
