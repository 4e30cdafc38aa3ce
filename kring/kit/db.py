"""A SQLAlchemy 2 unit of work per nameko worker, with the outbox and inbox in its transaction.

Each service owns one database (CONTRACT §2: SQLite by default, any SQLAlchemy URL through
`KRING_DB_<SERVICE>`). Handlers work inside `with uow:` blocks; `uow.emit(event)` writes the event
to the outbox table in the same transaction as the state, and the relay (kring.kit.outbox)
publishes it after the commit. `uow.first_time(event, handler)` records an incoming event in the
inbox in the same transaction, so a redelivered event changes nothing.
"""
import json
import logging
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from kring.config import AMQP_URI_KEY, DATABASES_KEY, RETRY_DELAYS_KEY
from kring.kit.clock import utcnow
from kring.contracts.topology import declare_topology
from kring.kit.green import StillConnection, make_psycopg2_green
from kring.kit.outbox import OutboxRelay
from kring.kit.retry import DEFAULT_DELAYS

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30
STILL_LOCK_TIMEOUT_MS = 100


def make_engine(url):
    """An engine tuned for its backend; the database file's folder is created for SQLite."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        url = postgres_driver(url)
        make_psycopg2_green()
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_still_engine(url):
    """For a single-statement write that must follow an outside event as closely as it can
    (notify's "the mail server has it"): one round trip, during which the process stands still
    (kring.kit.green). None where the ordinary engine already does so: SQLite never yields.

    - autocommit: the statement is its own transaction, no BEGIN or COMMIT round trips;
    - no pre-ping: a broken connection fails the write, and the caller writes again through
      the ordinary engine, which pings and reconnects;
    - a short lock wait: a row held by another green thread of this process is released only
      when the process moves, so the statement gives up and the caller takes the ordinary way;
    - asynchronous commit: the server answers before its disk has the record. Only a crash of
      the database server in the next fraction of a second can lose it, and then the outside
      event is simply repeated (a resend with the same Message-ID), which is what the record
      exists to make rare, not impossible.
    - a pool of two, never waited for: whoever finds both busy takes the ordinary way.
    """
    if not url.startswith("postgresql"):
        return None
    make_psycopg2_green()
    engine = create_engine(postgres_driver(url), isolation_level="AUTOCOMMIT", pool_size=2,
                           max_overflow=0, pool_timeout=0,
                           connect_args={"connection_factory": StillConnection})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET synchronous_commit = off; "
                       f"SET lock_timeout = {STILL_LOCK_TIMEOUT_MS}")
        cursor.close()
        dbapi_connection.commit()  # session settings outlive the transaction they were set in

    return engine


def postgres_driver(url):
    """SQLAlchemy 2.1 reads a bare postgresql:// as psycopg 3; we ship psycopg2 (+ psycogreen)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg2://" + url[len("postgresql://"):]
    return url


def _sqlite_engine(url):
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S,
                                              "check_same_thread": False})

    # pysqlite opens transactions lazily and as DEFERRED: two writers then deadlock on the lock
    # upgrade ("database is locked") whatever the busy timeout. Take the write lock up front.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class UnitOfWork:
    """One transaction: the session, the events it emits, the incoming events it has applied."""

    @classmethod
    def on(cls, engine, metadata, still_engine=None):
        """A unit of work on `engine` for a service whose tables (outbox and inbox included)
        are `metadata`: what each worker gets, and what scripts and tests use directly."""
        return cls(_sessions(engine), metadata.tables["outbox"], metadata.tables["inbox"],
                   _sessions(still_engine) if still_engine is not None else None)

    def __init__(self, session_factory, outbox, inbox, still_session_factory=None):
        self._session_factory = session_factory
        self._still_session_factory = still_session_factory
        self._outbox = outbox
        self._inbox = inbox
        self.session = None
        self.emitted = []

    def still(self):
        """A unit of work for one statement over the still engine (make_still_engine), or this
        one where the ordinary engine holds still anyway. Nothing may be emitted in it."""
        if self._still_session_factory is None:
            return self
        return UnitOfWork(self._still_session_factory, self._outbox, self._inbox)

    def __enter__(self):
        self.session = self._session_factory()
        self._pending = []
        return self

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.session.commit()
                self.emitted.extend(self._pending)
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None
        return False

    def emit(self, event):
        """Store `event` in the outbox; it leaves only if this transaction commits."""
        self.publish(None, event.type, event.to_message(), event.event_id)

    def publish(self, exchange, routing_key, body, message_id):
        """Store any message for `exchange` (a partner reply, say) in the outbox."""
        self.session.execute(insert(self._outbox).values(
            event_id=message_id, event_type=routing_key, exchange=exchange,
            body=json.dumps(body), created_at=utcnow()))
        self._pending.append(message_id)

    def first_time(self, event_id, handler):
        """True when `handler` has not applied `event_id` before; records that it now has.

        The record shares the transaction of the handler's effect: both happen or neither.
        """
        seen = self.session.execute(select(self._inbox.c.event_id).where(
            self._inbox.c.event_id == event_id, self._inbox.c.handler == handler)).first()
        if seen:  # a redelivery, or a replay from the dead-letter queue: nothing to do again
            log.info("event %s already applied by %s: ignored", event_id, handler)
            return False
        self.session.execute(insert(self._inbox).values(
            event_id=event_id, handler=handler, handled_at=utcnow()))
        return True


def _open_all(engine):
    """Connect the whole pool now: connecting (a new server process, its settings) takes
    milliseconds that would otherwise fall in the first writes after every start."""
    connections = [engine.connect() for _ in range(engine.pool.size())]
    for connection in connections:
        connection.close()


def _sessions(engine):
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_duplicate(exc):
    """A unique constraint said no: somebody (a racing request, a redelivery) was first."""
    return isinstance(exc, IntegrityError)


class Database(DependencyProvider):
    """The service's database: one engine per service, a fresh UnitOfWork for every worker.

    Tables are created on start until the schema settles and migrations take over.
    """

    def __init__(self, metadata, still_writes=False, **kwargs):
        self.metadata = metadata
        self.still_writes = still_writes  # UnitOfWork.still over a still engine of its own
        self.engine = self.still_engine = None
        self.session_factory = self.still_session_factory = None
        self.relay = None
        super().__init__(**kwargs)

    def setup(self):
        service = self.container.service_name
        url = self.container.config[DATABASES_KEY][service]
        self.engine = make_engine(url)
        self.metadata.create_all(self.engine)
        self.session_factory = _sessions(self.engine)
        self.still_engine = make_still_engine(url) if self.still_writes else None
        if self.still_engine is not None:
            self.still_session_factory = _sessions(self.still_engine)
            _open_all(self.still_engine)

    def start(self):
        outbox = self.metadata.tables.get("outbox")
        if outbox is not None:
            delays = self.container.config.get(RETRY_DELAYS_KEY, DEFAULT_DELAYS)
            self.relay = OutboxRelay(self.container.service_name, self.engine, outbox,
                                     self.container.config[AMQP_URI_KEY],
                                     lambda channel: declare_topology(channel, delays))
            self.container.spawn_managed_thread(self.relay.run)

    def kill(self):
        self.stop()

    def stop(self):
        if self.relay is not None:
            self.relay.stop()
        for engine in (self.engine, self.still_engine):
            if engine is not None:
                engine.dispose()

    def get_dependency(self, worker_ctx):
        return UnitOfWork(self.session_factory, self.metadata.tables["outbox"],
                          self.metadata.tables["inbox"], self.still_session_factory)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        uow = worker_ctx.service.__dict__.get(self.attr_name)
        if uow is not None and uow.emitted and self.relay is not None:
            self.relay.kick()
