"""What the tests of the schema migrations need: a database held at a revision, a revision that
exists only for a test, and the migration lock held by the test while replicas queue for it."""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, text

from kring.kit.db import make_engine
from kring.kit.migrations import downgrade, lock_key, scripts, versions_folder

# a test-only revision: a NOT NULL column with a default for the rows already there, filled
# from their data; on SQLite the table is copied into a new one, as Alembic's batch mode does
# whenever SQLite cannot ALTER in place (a type, a constraint), even for a table others refer to
TEST_REVISION = '''"""A test's revision: every {table} row gets a priority."""
import sqlalchemy as sa
from alembic import op

revision = {revision!r}
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table({table!r}, recreate="always" if sqlite else "auto") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=False,
                                   server_default="0"))
    op.execute("UPDATE {table} SET priority = 1 WHERE {where}")


def downgrade():
    with op.batch_alter_table({table!r}) as batch:
        batch.drop_column("priority")
'''
TEST_REVISION_ID = "7e57000000a1"


def versions_with_a_test_revision(folder, service, table, where):
    """A copy of `service`'s revisions in `folder`, with a test's revision on top of its newest:
    `table` gets a column `priority`, 1 where `where` holds, else 0."""
    head = scripts(service).get_current_head()
    target = Path(folder) / "versions"
    shutil.copytree(versions_folder(service), target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (target / f"{TEST_REVISION_ID}_priority.py").write_text(TEST_REVISION.format(
        revision=TEST_REVISION_ID, head=head, table=table, where=where))
    return target


BREAKING_REVISION = '''"""A test's revision that fails half-way: the first step done, the second
refused."""
import sqlalchemy as sa
from alembic import op

revision = "7e57000000b2"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case_visits", sa.Column("mood", sa.String(16), nullable=True))
    op.execute("DELETE FROM cases")  # the visits refer to them


def downgrade():
    pass
'''


def versions_with_a_breaking_revision(folder):
    """A copy of casework's revisions with BREAKING_REVISION on top of its newest."""
    target = Path(folder) / "versions"
    shutil.copytree(versions_folder("casework"), target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (target / "7e57000000b2_breaking.py").write_text(BREAKING_REVISION.format(
        head=scripts("casework").get_current_head()))
    return target


def made_before_migrations(engine, service):
    """`service`'s database, migrated and filled by the test, made as the version before
    migrations left it: the schema of the first revision (what later revisions added undone),
    no record of a revision. The test may then take away what an older version still lacked."""
    downgrade(engine, service, first_revision(service).revision)
    with engine.begin() as db:
        db.execute(text("DROP TABLE alembic_version"))


def first_revision(service):
    script = scripts(service)
    return script.get_revision(script.get_base())


def revision_of(engine):
    with engine.connect() as db:
        return db.execute(text("SELECT version_num FROM alembic_version")).scalars().all()


def index_names(engine, table):
    with engine.connect() as db:
        return {index["name"] for index in inspect(db).get_indexes(table)}


def column_names(engine, table):
    with engine.connect() as db:
        return [column["name"] for column in inspect(db).get_columns(table)]


@contextmanager
def migration_lock_held(url, service):
    """The lock `kring migrate` and a starting service take before they migrate `service`'s
    database at `url`, held by the test until the block ends (SQLite: its write lock)."""
    engine = make_engine(url)
    try:
        with engine.connect() as db:
            if db.dialect.name == "postgresql":
                db.execute(text("SELECT pg_advisory_lock(:key)"), {"key": lock_key(service)})
                db.commit()
                try:
                    yield db
                finally:
                    db.execute(text("SELECT pg_advisory_unlock(:key)"),
                               {"key": lock_key(service)})
                    db.commit()
            else:
                with db.begin():  # BEGIN IMMEDIATE (kring.kit.db): the write lock
                    yield db
    finally:
        engine.dispose()


def waiting_for_the_lock(db, service):
    """PostgreSQL: how many sessions wait for `service`'s migration lock now."""
    key = lock_key(service) & 0xFFFFFFFFFFFFFFFF  # as PostgreSQL splits it: two oids
    return db.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND classid = :high AND objid = :low AND objsubid = 1"),
        {"high": key >> 32, "low": key & 0xFFFFFFFF}).scalar()


def has_open(pid, path):
    """Whether process `pid` has the file `path` open (Linux: its /proc entry)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        return any(os.path.realpath(entry) == os.path.realpath(path)
                   for entry in folder.iterdir())
    except (FileNotFoundError, PermissionError):  # gone already, or an fd closed meanwhile
        return False
