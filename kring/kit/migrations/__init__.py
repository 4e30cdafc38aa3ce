"""Each service's schema, made and changed by its Alembic migrations (README.md "Upgrading").

A service's revisions live in its own package, `services/<service>/migrations/`, and ship in
the wheel; this module runs them with Alembic configured here, so no alembic.ini and no env.py
are needed. `migrate` is what `kring migrate` and every service's start do: it brings the
service's database to the newest revision, taking the database's lock first, so replicas that
start at once take turns and only the first changes anything (PostgreSQL: an advisory lock
held by the transaction; SQLite: the write lock of BEGIN IMMEDIATE, kring.kit.db). The whole
upgrade is one transaction (both databases change their schema transactionally): it happens
entirely or not at all.

The first revision of every service is the schema as it stood when migrations came, written out
in full (its `schema()`). A database made before that, by create_all, has tables and no
`alembic_version`: it is brought to that first revision once (`bring_up_to`: the tables,
columns and indexes an older version had not made yet are added), stamped as being at it, then
upgraded like any other. That replaces the columns every start used to add.
"""
import hashlib
import importlib
import threading
from contextlib import contextmanager
from pathlib import Path

from alembic.autogenerate import RevisionContext, compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Text, inspect, text

from kring.kit.crypto import ENCRYPTED_TYPES

CREATE_ALL = "create_all"  # what `migrate` says a database was at when made before migrations
VERSION_TABLE = "alembic_version"  # Alembic's own name: one per service's database or schema
HERE = Path(__file__).parent  # script.py.mako, the template of a new revision
FILE_NAME = "%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s"  # in the order they were written

# Alembic keeps the migration running now in module globals (alembic.op, alembic.context): the
# services of one process (`kring run`) set up at once take turns here, then at the database.
_turns = None


def _process_lock():
    global _turns
    if _turns is None:  # made on first use: green once the services' process is monkey-patched
        _turns = threading.Lock()
    return _turns


def versions_folder(service):
    """Where `service`'s revisions are: its package's migrations folder."""
    return Path(importlib.import_module(f"services.{service}.migrations").__file__).parent


def models_of(service):
    """The service's metadata: its models' tables and the kit's."""
    return importlib.import_module(f"services.{service}.models").metadata


def scripts(service, versions=None):
    """The revisions of `service` (from `versions`, a folder, in tests)."""
    return ScriptDirectory(str(HERE), file_template=FILE_NAME,
                           version_locations=[str(versions or versions_folder(service))])


def migrate(engine, service, versions=None, to="heads"):
    """Bring `service`'s database (an engine of kring.kit.db.make_engine) to its newest
    revision (or `to`, in tests): (the revision it was at, the one it is at now). Before is
    None for a new database, CREATE_ALL for one made by create_all before migrations."""
    script = scripts(service, versions)
    with _process_lock(), engine.connect() as connection, \
            _references_checked_at_the_end(connection):
        with connection.begin():  # SQLite: BEGIN IMMEDIATE, the write lock (kring.kit.db)
            _wait_for_turn(connection, service)
            before = _current(connection)
            _known(script, before, service)
            if before is None and _made_by_create_all(connection, script):
                first = script.get_revision(script.get_base())
                bring_up_to(connection, first.module.schema())
                _stamp(connection, script, first.revision)
                before = CREATE_ALL
            _run(connection, script, lambda rev, _context: script._upgrade_revs(to, rev))
            _check_references(connection)
            after = _current(connection)
    return before, after


def status(engine, service):
    """(the revision `service`'s database is at, the newest this version has, whether this
    version knows the one it is at), changing nothing: at is None for a database with no
    revision yet (new, or made before migrations)."""
    script = scripts(service)
    with engine.connect() as connection:
        at = _current(connection)
    try:
        _known(script, at, service)
    except UnknownRevision:
        return at, script.get_current_head(), False
    return at, script.get_current_head(), True


def downgrade(engine, service, to):
    """Undo `service`'s revisions after `to` ("base": all of them), for tests that need the
    database as an older version left it; an operator restores a backup instead (README.md
    "Upgrading")."""
    script = scripts(service)
    with _process_lock(), engine.connect() as connection, \
            _references_checked_at_the_end(connection):
        with connection.begin():
            _wait_for_turn(connection, service)
            _run(connection, script, lambda rev, _context: script._downgrade_revs(to, rev))
            _check_references(connection)


class UnknownRevision(Exception):
    """The database is at a revision this version does not have: a newer version migrated it
    (its message names revisions only)."""


def _known(script, revision, service):
    if revision is None:
        return
    try:
        script.get_revision(revision)
    except Exception:  # Alembic's ResolutionError or CommandError: not one of ours
        raise UnknownRevision(
            f"the {service} database is at revision {revision}, which this version of Kring "
            f"does not know: a newer version has migrated it. Run that version again, or "
            f"restore the backup taken before the upgrade") from None


def describe(before, after):
    """What `migrate` did, in words."""
    if before == after:
        return f"at revision {after}, the newest: nothing to do"
    if before is None:
        return f"made, at revision {after}"
    if before == CREATE_ALL:
        return f"made before migrations: recognised, now at revision {after}"
    return f"upgraded from revision {before} to {after}"


def _wait_for_turn(connection, service):
    """PostgreSQL: the service's advisory lock, held until the transaction ends; another
    replica migrating the same service's database waits here, then finds nothing to do.
    (SQLite's write lock is the transaction's already: BEGIN IMMEDIATE.)"""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": lock_key(service)})


@contextmanager
def _references_checked_at_the_end(connection):
    """SQLite changes a table that others refer to by copying it into a new one and dropping
    the old (Alembic's batch mode), which fails while foreign keys are enforced statement by
    statement, and PRAGMA foreign_keys cannot change within a transaction. So: off before the
    migration's transaction, every reference checked before it commits, on again after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection  # outside SQLAlchemy's transaction
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _check_references(connection):
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
        if broken:
            tables = sorted({row[0] for row in broken})
            raise RuntimeError(f"the migration would leave rows referring to nothing in "
                               f"{', '.join(tables)}: not committed")


def lock_key(service):
    """The advisory lock's number for `service` (a signed 64-bit integer, stable)."""
    digest = hashlib.sha256(f"kring migrate {service}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _current(connection):
    return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}) \
        .get_current_revision()


def _made_by_create_all(connection, script):
    """Tables of the service's first revision are there, and no record of a revision."""
    present = set(inspect(connection).get_table_names())
    first = script.get_revision(script.get_base()).module.schema()
    return VERSION_TABLE not in present and bool(present & set(first.tables))


def bring_up_to(connection, metadata):
    """What an older database lacks of `metadata` added to it, its rows kept: whole tables,
    columns (nullable, without data: an older version never wrote them), indexes; and on
    PostgreSQL a column made VARCHAR(n) that is TEXT now (a sealed value is longer than the text
    in it) widened. Only ever adds or widens."""
    metadata.create_all(connection)  # the tables it has are left as they are
    inspector = inspect(connection)
    for table in metadata.sorted_tables:
        columns = {column["name"]: column for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in columns:
                kind = column.type.compile(dialect=connection.dialect)
                connection.exec_driver_sql(
                    f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')
            elif _narrower(connection, column, columns[column.name]):
                connection.exec_driver_sql(
                    f'ALTER TABLE "{table.name}" ALTER COLUMN "{column.name}" TYPE TEXT')
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(connection)


def _narrower(connection, column, present):
    return connection.dialect.name == "postgresql" and isinstance(column.type, Text) and \
        getattr(present["type"], "length", None) is not None


def _stamp(connection, script, revision):
    MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}) \
        .stamp(script, revision)


def _run(connection, script, fn, metadata=None, **environment):
    """Run Alembic on `connection` as an env.py would, in the caller's transaction."""
    with EnvironmentContext(Config(), script, fn=fn, **environment) as context:
        context.configure(connection=connection, target_metadata=metadata,
                          version_table=VERSION_TABLE, **_compare_and_render())
        with context.begin_transaction():
            context.run_migrations()


def _compare_and_render():
    """How models are compared with a database and rendered into a new revision: types too;
    a sealed column as the type it is stored as (a migration knows nothing of keys); SQLite's
    ALTERs in batches, which it needs to change a column."""
    return {"compare_type": True, "render_as_batch": True, "render_item": _render_item}


def _render_item(kind, item, _autogen_context):
    if kind == "type" and isinstance(item, ENCRYPTED_TYPES):
        impl = item.impl_instance
        return f"sa.{type(impl).__name__}()"
    return False


def differences(engine, metadata):
    """What `metadata` (a service's models) has that the database has not, or the other way
    round: Alembic autogenerate's comparison. Empty when they agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": VERSION_TABLE, **_compare_and_render()})
        return compare_metadata(context, metadata)


def new_revision(engine, service, message, versions=None):
    """Write a revision of `service` with what its models have and its newest revision has
    not (Alembic autogenerate), compared on `engine`, a database migrated to the newest
    revision. Its path, or None when there is no difference (nothing is written)."""
    script = scripts(service, versions)
    migrate(engine, service, versions)
    revision = RevisionContext(Config(), script, {
        "message": message, "autogenerate": True, "sql": False, "head": "head",
        "splice": False, "branch_label": None, "version_path": None, "rev_id": None,
        "depends_on": None})
    changed = []

    def compare(rev, context):
        revision.run_autogenerate(rev, context)
        changed.extend(directive for directive in revision.generated_revisions
                       if not directive.upgrade_ops.is_empty())
        return []

    with _process_lock(), engine.connect() as connection:
        with connection.begin():
            _run(connection, script, compare, metadata=models_of(service),
                 template_args=revision.template_args, revision_context=revision)
    if not changed:
        return None
    return next(iter(revision.generate_scripts())).path
