"""Each service's schema migrations (kring.kit.migrations), on SQLite and on PostgreSQL: what
they make agrees with the models, a database keeps its rows through an upgrade, a database made
by create_all before migrations is recognised, a revision that fails changes nothing, and
replicas migrating at once take turns."""
import subprocess
from datetime import date

import eventlet
import pytest
from sqlalchemy import Column, Integer, MetaData, insert, select, text
from sqlalchemy.exc import IntegrityError

from kring.clock import utcnow
from kring.config import SERVICES
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.migrations import (CREATE_ALL, UnknownRevision, differences, migrate,
                                  models_of, scripts)
from services.casework.models import CaseRow, VisitRow
from services.casework.models import metadata as casework_metadata
from services.notify.models import ContactRow, NoticeRow
from services.notify.models import metadata as notify_metadata
from services.referral.models import ErasureRow, PartnerMessageRow, partner_messages_of
from services.referral.models import metadata as referral_metadata
from tests.support.migrations import (TEST_REVISION_ID, column_names, first_revision,
                                      has_open, index_names, migration_lock_held, revision_of,
                                      versions_with_a_breaking_revision,
                                      versions_with_a_test_revision, waiting_for_the_lock)
from tests.support.processes import KRING, clean_env
from tests.support.waiting import eventually


@pytest.fixture
def engines(database_urls):
    made = {}

    def engine(service):
        if service not in made:
            made[service] = make_engine(database_urls[service])
        return made[service]
    yield engine
    for engine in made.values():
        engine.dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_a_new_database_is_made_at_the_newest_revision_and_agrees_with_the_models(
        engines, service):
    engine = engines(service)
    head = scripts(service).get_current_head()
    assert migrate(engine, service) == (None, head)
    assert revision_of(engine) == [head]
    # a model changed without a revision fails here
    assert differences(engine, models_of(service)) == [], (
        f"the models of {service} differ from its newest revision: write one with "
        f"`make migration MESSAGE=...` (README.md \"Changing the schema\")")
    assert migrate(engine, service) == (head, head)  # again: nothing to do


def test_the_comparison_finds_a_model_changed_without_a_revision(engines):
    engine = engines("notify")
    migrate(engine, "notify")
    changed = MetaData()
    for table in notify_metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["notices"].append_column(Column("priority", Integer, nullable=True))
    assert [(kind, table, column.name) for kind, _schema, table, column in
            differences(engine, changed)] == [("add_column", "notices", "priority")]


def test_the_referral_database_at_the_first_revision_keeps_its_rows_through_the_upgrade(
        engines):
    engine = engines("referral")
    first = first_revision("referral").revision
    assert migrate(engine, "referral", to=first) == (None, first)
    assert "ix_partner_messages_referral_id" not in index_names(engine, "partner_messages")
    now = utcnow()
    with UnitOfWork.on(engine, referral_metadata) as uow:
        uow.session.add_all([
            PartnerMessageRow(partner="partner-a", message_id="m-1", referral_id="r-1",
                              errors={"body": ["not json"]}, received_at=now),
            ErasureRow(referral_id="r-1", requested_at=now, person="olga",
                       organisation="platform", role="operator", reason="the family asked")])
        # the outbox row as the first revision's columns hold it (later ones add columns)
        uow.session.execute(insert(uow.outbox_table).values(
            event_id="e-1", event_type="referral_submitted", exchange=None, referral_id="r-1",
            body='{"referral_id": "r-1"}', created_at=now))

    head = scripts("referral").get_current_head()
    assert migrate(engine, "referral") == (first, head)
    assert "ix_partner_messages_referral_id" in index_names(engine, "partner_messages")
    with UnitOfWork.on(engine, referral_metadata) as uow:
        assert [(m["partner"], m["message_id"], m["errors"]) for m in
                partner_messages_of(uow.session, "r-1")] == [
            ("partner-a", "m-1", {"body": ["not json"]})]
        assert uow.session.get(ErasureRow, "r-1").reason == "the family asked"
        assert uow.session.execute(select(uow.outbox_table.c.body)).scalars().all() == [
            '{"referral_id": "r-1"}']


def test_a_revision_that_rebuilds_a_table_keeps_its_rows(engines, tmp_path):
    """A column NOT NULL with a default, filled from the rows: SQLite copies the table into a
    new one for it; the sealed values come through and still open."""
    engine = engines("notify")
    versions = versions_with_a_test_revision(tmp_path, "notify", "notices", "kind = 'closure'")
    head = scripts("notify").get_current_head()
    migrate(engine, "notify")
    now = utcnow()
    with UnitOfWork.on(engine, notify_metadata) as uow:
        uow.session.add(ContactRow(referral_id="r-1", external_ref="x-1", programme="home-start",
                                   email="referrer@example.org", language="nl",
                                   organisation="GGD", share_status=True))
        uow.session.add_all([
            NoticeRow(referral_id="r-1", kind=kind, occurred_at="2026-11-30T10:00:00Z",
                      status="sent", recipient="referrer@example.org", created_at=now)
            for kind in ("start", "closure")])

    assert migrate(engine, "notify", versions) == (head, TEST_REVISION_ID)
    with engine.connect() as db:
        assert db.execute(text("SELECT kind, priority FROM notices ORDER BY notice_id")) \
            .all() == [("start", 0), ("closure", 1)]
    with UnitOfWork.on(engine, notify_metadata) as uow:
        notices = uow.session.execute(select(NoticeRow).order_by(NoticeRow.notice_id)) \
            .scalars().all()
        assert [(n.kind, n.recipient) for n in notices] == [
            ("start", "referrer@example.org"), ("closure", "referrer@example.org")]
        assert uow.session.get(ContactRow, "r-1").email == "referrer@example.org"


def test_a_revision_that_rebuilds_a_table_others_refer_to_keeps_their_rows(engines, tmp_path):
    """SQLite drops the old table once its rows are copied: the visits that refer to it are
    kept, and refer to the new one (foreign keys are checked at the end of the migration)."""
    engine = engines("casework")
    versions = versions_with_a_test_revision(tmp_path, "casework", "cases", "severity = 'high'")
    migrate(engine, "casework")
    with UnitOfWork.on(engine, casework_metadata) as uow:
        uow.session.add(CaseRow(id="c-1", referral_id="r-1", supporter_id="s-1",
                                supporter_kind="volunteer", severity="high",
                                coordinator_org="hs-utrecht", opened_at="2026-11-30T10:00:00Z",
                                status="active", past_rounds=[], plan={"goals": ["sleep"]}))
        uow.session.flush()
        uow.session.add(VisitRow(id="v-1", case_id="c-1", visited_on=date(2026, 11, 30),
                                 hours=2.0, notes="calm evening", logged_by_role="supporter",
                                 logged_at="2026-11-30T20:00:00Z"))

    migrate(engine, "casework", versions)
    with engine.connect() as db:
        assert db.execute(text("SELECT id, priority FROM cases")).all() == [("c-1", 1)]
    with UnitOfWork.on(engine, casework_metadata) as uow:
        assert uow.session.get(CaseRow, "c-1").plan == {"goals": ["sleep"]}
        visit = uow.session.get(VisitRow, "v-1")
        assert (visit.case_id, visit.notes) == ("c-1", "calm evening")
    with pytest.raises(IntegrityError):  # the reference is enforced as before
        with UnitOfWork.on(engine, casework_metadata) as uow:
            uow.session.add(VisitRow(id="v-2", case_id="c-404", visited_on=date(2026, 12, 1),
                                     hours=1.0, logged_by_role="supporter",
                                     logged_at="2026-12-01T20:00:00Z"))


def test_a_revision_that_fails_changes_nothing(engines, tmp_path):
    """A revision that would leave visits referring to no case: refused (PostgreSQL at the
    statement, SQLite before the commit), and the column it added first is not there either."""
    engine = engines("casework")
    head = scripts("casework").get_current_head()
    migrate(engine, "casework")
    with UnitOfWork.on(engine, casework_metadata) as uow:
        uow.session.add(CaseRow(id="c-1", referral_id="r-1", supporter_id="s-1",
                                supporter_kind="volunteer", severity="high",
                                coordinator_org="hs-utrecht", opened_at="2026-11-30T10:00:00Z",
                                status="active", past_rounds=[]))
        uow.session.flush()
        uow.session.add(VisitRow(id="v-1", case_id="c-1", visited_on=date(2026, 11, 30),
                                 hours=2.0, logged_by_role="supporter",
                                 logged_at="2026-11-30T20:00:00Z"))

    with pytest.raises(Exception, match="FOREIGN KEY|ForeignKeyViolation|referring to nothing"):
        migrate(engine, "casework", versions_with_a_breaking_revision(tmp_path))
    assert revision_of(engine) == [head]
    assert "mood" not in column_names(engine, "case_visits")
    with engine.connect() as db:
        assert db.execute(text("SELECT id FROM cases")).all() == [("c-1",)]


def test_a_database_made_by_create_all_is_recognised_stamped_and_upgraded(engines):
    """Made by create_all before migrations, and older still: a column the first revision has
    is missing (and on PostgreSQL a sealed column is still VARCHAR). It gets what it lacks, its
    rows kept, is stamped at the first revision, then upgraded like any other."""
    engine = engines("referral")
    first_revision("referral").module.schema().create_all(engine)
    with UnitOfWork.on(engine, referral_metadata) as uow:
        uow.session.add(ErasureRow(referral_id="r-1", requested_at=utcnow(), person="olga",
                                   organisation="platform", role="operator", reason="asked"))
    with engine.begin() as db:
        db.execute(text("ALTER TABLE partner_messages DROP COLUMN referral_id"))
        db.execute(text("INSERT INTO partner_messages (partner, message_id, received_at) "
                        "VALUES ('partner-a', 'm-1', CURRENT_TIMESTAMP)"))
        if db.dialect.name == "postgresql":
            db.execute(text("ALTER TABLE erasures ALTER COLUMN reason TYPE VARCHAR(500)"))

    head = scripts("referral").get_current_head()
    assert migrate(engine, "referral") == (CREATE_ALL, head)
    assert revision_of(engine) == [head]
    assert "referral_id" in column_names(engine, "partner_messages")
    # the column back, the second revision's index on it, the sealed column widened: as new
    assert differences(engine, models_of("referral")) == []
    with UnitOfWork.on(engine, referral_metadata) as uow:
        assert uow.session.get(ErasureRow, "r-1").reason == "asked"
        assert uow.session.execute(text("SELECT partner, message_id, referral_id FROM "
                                        "partner_messages")).all() == [
            ("partner-a", "m-1", None)]


def test_a_database_a_newer_version_migrated_is_left_as_it_is(engines):
    engine = engines("notify")
    migrate(engine, "notify")
    with engine.begin() as db:
        db.execute(text("UPDATE alembic_version SET version_num = 'f0f0f0f0f0f0'"))
    with pytest.raises(UnknownRevision, match="revision f0f0f0f0f0f0, which this version"):
        migrate(engine, "notify")
    assert revision_of(engine) == ["f0f0f0f0f0f0"]


def test_services_of_one_process_migrating_at_once_take_turns(engines):
    """`kring run`: the services set up in green threads of one process."""
    engine = engines("referral")
    head = scripts("referral").get_current_head()
    threads = [eventlet.spawn(migrate, engine, "referral") for _ in range(3)]
    answers = sorted((thread.wait() for thread in threads), key=lambda answer: answer[0] or "")
    assert answers == [(None, head), (head, head), (head, head)]


def test_replicas_migrating_one_database_at_once_take_turns(database_urls, tmp_path):
    """Three `kring migrate` processes queue for the lock the test holds, then go at once: one
    makes the schema, the others find nothing to do, none fails."""
    url = database_urls["referral"]
    env = clean_env(KRING_DB_REFERRAL=url, KRING_DATA_DIR=str(tmp_path))
    with migration_lock_held(url, "referral") as db:
        replicas = [subprocess.Popen([KRING, "migrate", "referral"], env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                    for _ in range(3)]
        if db.dialect.name == "postgresql":
            eventually(lambda: waiting_for_the_lock(db, "referral") == 3,
                       what="three replicas waiting for the migration lock")
        else:
            path = url.split("///", 1)[1]
            eventually(lambda: all(has_open(replica.pid, path) for replica in replicas),
                       what="three replicas at the database")
    said = [replica.communicate(timeout=60) for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0, 0, 0], said
    head = scripts("referral").get_current_head()
    assert sorted(out for out, _err in said) == [
        f"referral: at revision {head}, the newest: nothing to do\n"] * 2 + [
        f"referral: made, at revision {head}\n"]


def test_kring_migrate_names_what_it_does_not_know():
    result = subprocess.run([KRING, "migrate", "referral", "billing"], capture_output=True,
                            text=True, timeout=60, env=clean_env())
    assert result.returncode == 2
    assert "no service billing" in result.stderr

