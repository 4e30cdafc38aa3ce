"""Databases as the tests make and read them: each service's on SQLite or PostgreSQL, for the
containers of the integration tests and for a `kring run` process; and the outbox and the audit
trail as a test reads them."""
import json
import os
import uuid
from collections import Counter
from pathlib import Path

from nameko.testing.utils import get_extension
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.exc import OperationalError

from kring.config import RUNNABLE
from kring.kit.crypto import read_stored
from kring.kit.db import Database, postgres_driver

POSTGRES_URL = postgres_driver(os.environ.get("KRING_TEST_POSTGRES",
                                              "postgresql://postgres@127.0.0.1:5432/postgres"))


def sqlite_urls(folder):
    """Each service's database as a SQLite file in `folder`."""
    return {service: f"sqlite:///{Path(folder) / f'{service}.db'}" for service in RUNNABLE}


def unit_of_work(container, inbox_key=None):
    """A unit of work on a running container's own database, as its workers get it: to run a
    handler directly, or to look at the rows."""
    return get_extension(container, Database).unit_of_work(inbox_key)


def outbox(uow):
    """Every message the service has put in its outbox so far, oldest first, as it goes on the
    wire (the outbox table is called so in every service; its bodies are sealed)."""
    with uow:
        rows = uow.session.execute(text("SELECT body FROM outbox ORDER BY id")).scalars().all()
    return [json.loads(read_stored(body, "outbox", "body")) for body in rows]


def audit_records(uow):
    """Every record of the service's audit trail so far (kring.kit.audit), oldest first, with
    all its columns."""
    with uow:
        rows = uow.session.execute(text("SELECT * FROM audit ORDER BY id")).mappings().all()
    return [dict(row) for row in rows]


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
                for service in RUNNABLE:
                    db.execute(text(f'CREATE SCHEMA "{service}"'))
            self.urls = {service: f"{base}?options=-csearch_path%3D{service}"
                         for service in RUNNABLE}
        else:
            self.urls = sqlite_urls(folder)
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
