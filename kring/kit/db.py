"""A SQLAlchemy 2 unit of work per nameko worker, with the outbox and inbox in its transaction.

Each service owns one database (docs/contract.md §2: SQLite by default, any SQLAlchemy URL
through `KRING_DB_<SERVICE>`). Handlers work inside `with uow:` blocks; on commit the unit of work
writes the domain events of the aggregates its repositories handed out to the outbox table, in
the same transaction as the state, and the relay (kring.kit.outbox) publishes them after the
commit. `uow.first_time(event_id)` records an incoming event in the inbox in the same
transaction, so a redelivered event changes nothing, and an event about a referral whose data
was erased does nothing at all (kring.kit.erasure). An HTTP call's `Caller` rides along: the
unit of work writes its audit record in the transaction that changes the referral; a call that
changed nothing is recorded before its answer goes, in a commit it shares with the other calls
answering at that moment (kring.kit.audit_writer).
"""
import json
import logging
from pathlib import Path

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kring.config import (AMQP_SSL_KEY, AMQP_URI_KEY, DATA_KEYS_KEY, DATABASES_KEY,
                          PREVIOUS_SECRET_KEY, RETRY_DELAYS_KEY, SECRET_KEY)
from kring.clock import utcnow
from kring.contracts.access import TAKEN_WHEN_ERASED
from kring.contracts.events import Event
from kring.errors import Gone, KringError
from kring.kit import audit, correlation, crypto, erasure, metrics, migrations
from kring.kit.access import Caller
from kring.kit.audit_writer import SharedCommits
from kring.kit.failures import describe
from kring.kit.outbox import Message, OutboxRelay
from kring.kit.topology import configured_queue_type, declare_topology

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30


def make_engine(url):
    """An engine tuned for its backend; the database file's folder is created for SQLite.

    No error of it tells the values of a statement (docs/contract.md §7 "Data in motion"):
    SQLAlchemy leaves the parameters out of its messages (hide_parameters), and a driver's
    message, which may quote them ("DETAIL: Failing row contains (…)", the statement with its
    values filled in), is cut down to its codes and names (`_values_left_out`)."""
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url)
    else:
        if url.startswith("postgresql"):
            url = postgres_driver(url)
            _make_psycopg2_green()
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10,
                               hide_parameters=True)
    event.listen(engine, "handle_error", _values_left_out)
    return engine


def _values_left_out(context):
    """A PostgreSQL error (one with a SQLSTATE) says its kind, code and the names it concerns,
    nothing more; the exception SQLAlchemy raises says the same. SQLite's messages name
    constraints and columns only, and a lost connection's the address: left as they are."""
    original = context.original_exception
    diag = getattr(original, "diag", None)
    sqlstate = getattr(diag, "sqlstate", None)
    if not sqlstate:
        return
    names = [f"{label} {value}" for label, value in (
        ("table", diag.table_name), ("column", diag.column_name),
        ("constraint", diag.constraint_name)) if value]
    safe = f"{type(original).__name__} [SQLSTATE {sqlstate}]" + \
        (f" on {', '.join(names)}" if names else "")
    original.args = (safe,)
    wrapped = context.sqlalchemy_exception
    if wrapped is not None:
        kind = type(original)
        wrapped.args = (f"({kind.__module__}.{kind.__name__}) {safe}",)


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
                                              "check_same_thread": False},
                           hide_parameters=True)

    # pysqlite opens transactions lazily and as DEFERRED: two writers then deadlock on the lock
    # upgrade ("database is locked") whatever the busy timeout. Take the write lock up front.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # what an UPDATE replaces (a plain value re-sealed by `kring rekey`) is overwritten with
        # zeros, not left readable in a free page of the file
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _make_psycopg2_green():
    # psycopg2 blocks eventlet's hub on every query unless it is told to wait cooperatively.
    from psycogreen.eventlet import patch_psycopg
    patch_psycopg()


class UnitOfWork:
    """One transaction: the session, the events it emits, the incoming events it has applied.

    `outgoing(aggregate, event)` is the service's translation table (its outgoing.py): what the
    domain events of the aggregates its repositories saw become on the wire. `inbox_key` names
    the consumer in the inbox: the entrypoint's method name.
    """

    @classmethod
    def on(cls, engine, metadata, outgoing=None, inbox_key=None, caller=None,
           event_referral=None):
        """A unit of work on `engine` for a service whose tables (outbox, inbox and audit
        included) are `metadata`: what each worker gets, and what scripts and tests use."""
        return cls(sessionmaker(bind=engine, expire_on_commit=False), metadata, outgoing,
                   inbox_key, caller, event_referral)

    def __init__(self, session_factory, metadata, outgoing=None, inbox_key=None, caller=None,
                 event_referral=None):
        self._session_factory = session_factory
        self._outbox = metadata.tables["outbox"]
        self._inbox = metadata.tables["inbox"]
        self.audit_table = metadata.tables["audit"]
        self.retention_table = metadata.tables["retention"]
        self.parked_table = metadata.tables.get("parked")  # kring.kit.parking
        self._outgoing = outgoing
        self.inbox_key = inbox_key
        self.caller = caller  # the HTTP caller whose reads and changes are audited
        # the referral of the event this worker handles: `first_time` checks its marker
        self.event_referral = event_referral
        self.event = None  # the event this worker handles: its inbox row says what it was
        # True: the record of a call that changed nothing is left to the HTTP entrypoint's
        # `Database.before_answer`, which shares its commit with other reads' (audit_writer)
        self.audit_later = False
        self.session = None
        self.emitted = []

    def __enter__(self):
        self.session = self._session_factory()
        self._pending = []
        self._repositories = []
        if self.caller is not None:
            self.caller.guard = self._refuse_changes_if_erased
        return self

    def _refuse_changes_if_erased(self, referral_id):
        """An HTTP change to a referral whose data this service erased is refused (410
        `referral_erased`, docs/contract.md §4) before any rule of its status is asked: the
        same answer from every service, whatever the change."""
        if self.session is None or self.caller.operation_id in TAKEN_WHEN_ERASED:
            return
        from kring.contracts.api import OPERATIONS  # the table of every operation's method
        if OPERATIONS[self.caller.operation_id].method == "GET":
            return
        if erasure.erased_at(self.session, self.retention_table, referral_id):
            raise Gone(f"referral {referral_id} was erased: it takes no more changes")

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self._collect_new_events()
                audited = self._audit_caller()
                self.session.commit()
                self.emitted.extend(self._pending)
                if audited:
                    self.caller.recorded = True
            else:
                self.session.rollback()
        finally:
            self.session.close()
            self.session = None
        return False

    def _audit_caller(self):
        """The caller's record, in this transaction, once it has reached a referral."""
        caller = self.caller
        if caller is None or not caller.audited or caller.recorded or not caller.referral_id:
            return False
        if self.audit_later and not self.session.info.get(_WROTE):
            return False
        audit.record_call(self.session, self.audit_table, caller,
                          caller.answer or _usual_answer(caller))
        return True

    def track(self, repository):
        """Called by every repository made on this unit of work (kring.kit.repository)."""
        self._repositories.append(repository)

    def _collect_new_events(self):
        for repository in self._repositories:
            for aggregate, event in repository.new_events():
                if self._outgoing is None:
                    raise TypeError(f"{type(aggregate).__name__} recorded {event!r}, and this "
                                    "unit of work has no outgoing table to translate it")
                for message in self._outgoing(aggregate, event):
                    self.store(message)

    def store(self, message):
        """Store an outgoing message — a contract Event, or a Message for another exchange —
        in the outbox; it leaves only if this transaction commits."""
        if isinstance(message, Message):
            self.publish(*message, referral_id=message.body.get("referral_id"))
        else:
            body = message.to_message()
            # what this unit of work does, it does for the request or event in hand
            correlation_id = message.correlation_id or correlation.current()
            if correlation_id:
                body["correlation_id"] = correlation_id
            self.publish(None, message.type, body, message.event_id, message.referral_id,
                         correlation_id)

    def publish(self, exchange, routing_key, body, message_id, referral_id=None,
                correlation_id=None):
        """Store any message for `exchange` (a partner reply, say) in the outbox; with the
        referral it is about, so that erasing the referral finds it, and the correlation id
        of the work in hand, which the relay sends as the message's `correlation_id`."""
        self.session.execute(insert(self._outbox).values(
            event_id=message_id, event_type=routing_key, exchange=exchange,
            referral_id=referral_id, body=json.dumps(body), created_at=utcnow(),
            correlation_id=correlation_id or correlation.current()))
        self._pending.append(message_id)

    @property
    def outbox_table(self):
        return self._outbox

    @property
    def inbox_table(self):
        return self._inbox

    def first_time(self, event_id, referral_id=None, even_if_erased=False):
        """True when this consumer (the entrypoint's inbox key) has not applied `event_id`
        before; records that it now has.

        The record shares the transaction of the handler's effect: both happen or neither.
        An event about a referral whose data was erased here (`referral_id`, by default the
        one of the event this worker handles) is recorded and answers False as well: nothing
        may bring that data back. Only the erasure itself passes (`even_if_erased`).
        """
        handler = self.inbox_key
        if handler is None:
            raise TypeError("no inbox key: say which consumer applies the event")
        referral_id = referral_id or self.event_referral
        event = self.event if self.event is not None and self.event.event_id == event_id \
            else None
        # with what it was, whose and under which correlation id: a step of `kring trace`
        row = dict(event_id=event_id, handler=handler, handled_at=utcnow(),
                   referral_id=referral_id,
                   event_type=f"{event.source}.{event.type}" if event is not None else None,
                   correlation_id=correlation.current())
        if not insert_if_new(self.session, self._inbox, row):
            # a redelivery, or a replay from the dead-letter queue: nothing to do again
            log.info("event %s already applied by %s: ignored", event_id, handler)
            return False
        if not even_if_erased and referral_id and \
                erasure.erased_at(self.session, self.retention_table, referral_id):
            log.info("event %s is about erased referral %s: ignored", event_id, referral_id)
            return False
        return True


def insert_if_new(session, table, row):
    """Insert `row` unless its primary key is there already; True when it was inserted.

    One statement (INSERT … ON CONFLICT DO NOTHING) where the dialect has it, SQLite and
    PostgreSQL: a look-up and an insert cost twice, and on PostgreSQL a racing worker then waits
    for the winner's commit and finds the row instead of failing on the key."""
    dialect = session.get_bind().dialect.name
    if dialect in _UPSERT_DIALECTS:
        statement = _UPSERT_DIALECTS[dialect](table).values(**row).on_conflict_do_nothing()
        return session.execute(statement).rowcount == 1
    key = [column == row[column.name] for column in table.primary_key.columns]
    if session.execute(select(*table.primary_key.columns).where(*key)).first():
        return False
    session.execute(insert(table).values(**row))
    return True


_UPSERT_DIALECTS = {"sqlite": sqlite_insert, "postgresql": postgresql_insert}


_WROTE = "kring.wrote"  # in a session's info: it changed something (audited in its transaction)


@event.listens_for(Session, "do_orm_execute")
def _note_a_change(state):
    """A statement through the session that is not a plain SELECT may change something."""
    if not state.is_select:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _note_a_flush(session, _flush_context):
    session.info[_WROTE] = True


def _usual_answer(caller):
    from kring.contracts.api import OPERATIONS  # the table of every operation's success status
    return OPERATIONS[caller.operation_id].success


def is_duplicate(exc):
    """A unique constraint said no: somebody (a racing request, a redelivery) was first."""
    return isinstance(exc, IntegrityError)


def once_more_if_duplicate(once):
    """Run `once` (a whole transaction); if a racing worker inserted the same row first, all of
    it rolled back, so run it once more: the second run sees the winner's row and does nothing
    twice."""
    try:
        return once()
    except Exception as exc:
        if not is_duplicate(exc):
            raise
    return once()


class Database(DependencyProvider):
    """The service's database: one engine per service, a fresh UnitOfWork for every worker.

    Its schema is brought to the newest revision of the service's migrations as it sets up
    (kring.kit.migrations), as `kring migrate` does.
    `gauges` (a unit of work -> [(metric, labels, value)]) are the service's own figures for
    /metrics.
    """

    def __init__(self, metadata, outgoing=None, gauges=None, **kwargs):
        self.metadata = metadata
        self.outgoing = outgoing
        self.gauges = gauges
        self.engine = None
        self.session_factory = None
        self.relay = None
        self.audit_writer = None
        super().__init__(**kwargs)

    def setup(self):
        service = self.container.service_name
        config = self.container.config
        # family data is sealed by the column types, which see no config: one keyring per
        # process, the same for every service in it (kring.kit.crypto)
        crypto.install(crypto.keyring(config.get(DATA_KEYS_KEY),
                                      [config[SECRET_KEY], config.get(PREVIOUS_SECRET_KEY)]))
        url = config[DATABASES_KEY][service]
        self.engine = make_engine(url)
        # its schema brought to the newest revision; replicas starting at once take turns
        before, after = migrations.migrate(self.engine, service)
        if before != after:
            log.info("%s: database schema %s", service, migrations.describe(before, after))
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.audit_writer = SharedCommits(self.unit_of_work)

    def start(self):
        outbox = self.metadata.tables.get("outbox")
        if outbox is not None:
            service, config = self.container.service_name, self.container.config
            delays, queue_type = config[RETRY_DELAYS_KEY], configured_queue_type(config)
            self.relay = OutboxRelay(service, self.engine, outbox, config[AMQP_URI_KEY],
                                     lambda connection: declare_topology(
                                         connection, service, delays, queue_type),
                                     ssl=config.get(AMQP_SSL_KEY))
            self.container.spawn_managed_thread(self.relay.run)
        metrics.watch(self)  # its readiness and figures, from now on (kring.kit.metrics)

    def kill(self):
        self.stop()

    def stop(self):
        metrics.unwatch(self)
        if self.relay is not None:
            self.relay.stop()
        if self.audit_writer is not None:
            self.audit_writer.close()
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx):
        event = next((arg for arg in worker_ctx.args if isinstance(arg, Event)), None)
        uow = self.unit_of_work(inbox_key=worker_ctx.entrypoint.method_name,
                                caller=_caller_of(worker_ctx),
                                event_referral=event.referral_id if event else None)
        uow.event = event
        # an HTTP call: `before_answer` follows, and records a call that changed nothing
        uow.audit_later = getattr(worker_ctx.entrypoint, "calls_before_answer", False)
        return uow

    def worker_setup(self, worker_ctx):
        correlation.enter_worker(worker_ctx)  # every service has a database: one place for all

    def worker_teardown(self, worker_ctx):
        correlation.leave()

    def unit_of_work(self, inbox_key=None, caller=None, event_referral=None):
        """A unit of work on this service's database (also for tests and scripts)."""
        return UnitOfWork(self.session_factory, self.metadata, self.outgoing, inbox_key, caller,
                          event_referral)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        uow = worker_ctx.service.__dict__.get(self.attr_name)
        if uow is not None and uow.emitted and self.relay is not None:
            self.relay.kick()

    def before_answer(self, worker_ctx, result=None, exc_info=None):
        """Called by the HTTP entrypoint (kring.kit.web) before the answer goes: a call whose
        record no commit of a change carried (a read, a refusal) is recorded now, in a commit
        shared with the calls answering at the same moment, so the answer is never out before
        its record. A read whose record cannot be stored raises: it must not answer."""
        caller = _caller_of(worker_ctx)
        if caller is None or not caller.audited or caller.recorded:
            return
        if exc_info is None:
            self.audit_writer.write(caller, caller.answer or _usual_answer(caller))
            caller.recorded = True
        else:
            self._audit_failed_call(caller, exc_info)

    def _audit_failed_call(self, caller, exc_info):
        """A call that reached no commit (refused, not found, a bug): recorded on its own."""
        exc = exc_info[1] if exc_info else None
        answer = exc.status if isinstance(exc, KringError) else 500 if exc else \
            caller.answer or _usual_answer(caller)
        try:
            self.audit_writer.write(caller, answer)
            caller.recorded = True
        except Exception as exc:  # the database is away: the caller already has its answer
            log.error("could not record a call of %s by %s in the audit trail: %s",
                      caller.operation_id, caller.org, describe(exc))


def _caller_of(worker_ctx):
    return next((arg for arg in worker_ctx.args if isinstance(arg, Caller)), None)
