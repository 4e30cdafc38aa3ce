"""The inbox's one-statement check (kring.kit.db), the audit records that share a commit
(kring.kit.audit_writer) and the relay's marks that need not wait for the disk
(kring.kit.outbox), on SQLite and on PostgreSQL."""
from datetime import datetime, timezone

import eventlet
import pytest
from sqlalchemy import MetaData, event, func, select, text
from sqlalchemy.exc import DBAPIError

from kring.config import SERVICES
from kring.kit.access import Caller
from kring.kit.audit_writer import SharedCommits
from kring.kit.auth import Identity
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.outbox import undone_by_power_failure
from kring.kit.tables import add_kit_tables

REFERRAL_ID = "5f0c0a56-64f4-4c59-9d9c-2d0c8d1c9a11"
EVENT_ID = "0b6cf3a8-1d2b-4f1e-a0a4-7a3b8f6f0c11"


@pytest.fixture
def database(database_urls):
    metadata = MetaData()
    add_kit_tables(metadata)
    engine = make_engine(database_urls[SERVICES[0]])
    metadata.create_all(engine)
    yield engine, metadata
    metadata.drop_all(engine)
    engine.dispose()


def test_an_event_is_applied_once_per_consumer(database):
    engine, metadata = database
    answers = []
    for handler in ("on_received", "on_received", "on_closed"):
        with UnitOfWork.on(engine, metadata, inbox_key=handler) as uow:
            answers.append(uow.first_time(EVENT_ID, referral_id=REFERRAL_ID))
    assert answers == [True, False, True]
    with UnitOfWork.on(engine, metadata) as uow:
        rows = uow.session.execute(select(uow.inbox_table)).mappings().all()
    assert sorted(row["handler"] for row in rows) == ["on_closed", "on_received"]
    assert {row["referral_id"] for row in rows} == {REFERRAL_ID}


def reader(number):
    return Caller(Identity("huisarts-oost", "referrer", f"reader-{number}"), "getReferral",
                  REFERRAL_ID)


def test_reads_answering_at_once_share_a_commit_and_each_is_stored(database):
    engine, metadata = database
    writer = SharedCommits(lambda: UnitOfWork.on(engine, metadata))
    commits = []
    event.listen(engine, "commit", lambda connection: commits.append(1))
    readers = [eventlet.spawn(writer.write, reader(number), 200) for number in range(20)]
    for waiting in readers:
        waiting.wait()
    writer.close()
    with UnitOfWork.on(engine, metadata) as uow:
        people = uow.session.execute(select(uow.audit_table.c.person)).scalars().all()
    assert sorted(people) == sorted(f"reader-{number}" for number in range(20))
    assert len(commits) < len(readers)


def test_a_record_that_cannot_be_stored_fails_every_call_that_waits_for_it(database):
    engine, metadata = database
    writer = SharedCommits(lambda: UnitOfWork.on(engine, metadata))
    with engine.begin() as db:
        db.execute(text("DROP TABLE audit"))
    readers = [eventlet.spawn(writer.write, reader(number), 200) for number in range(3)]
    for waiting in readers:
        with pytest.raises(DBAPIError):
            waiting.wait()
    metadata.tables["audit"].create(engine)
    writer.write(reader(9), 200)  # the writer goes on once the database does
    with UnitOfWork.on(engine, metadata) as uow:
        assert uow.session.execute(select(func.count()).select_from(uow.audit_table)) \
            .scalar() == 1


def durability(db):
    if db.dialect.name == "sqlite":
        return {0: "off", 1: "normal", 2: "full", 3: "extra"}[
            db.exec_driver_sql("PRAGMA synchronous").scalar()]
    return db.exec_driver_sql("SHOW synchronous_commit").scalar()


def test_the_relays_marks_alone_commit_without_waiting_for_the_disk(database):
    engine, metadata = database
    inbox = metadata.tables["inbox"]
    with engine.connect() as db:
        usual = durability(db)
    assert usual in ("full", "on")
    with undone_by_power_failure(engine) as db:
        assert durability(db) in ("normal", "off")
        db.execute(inbox.insert().values(event_id=EVENT_ID, handler="on_received",
                                         handled_at=datetime.now(timezone.utc)))
    with engine.begin() as db:  # the pool's connections are as they were
        assert durability(db) == usual
        assert db.execute(select(inbox.c.event_id)).scalars().all() == [EVENT_ID]  # committed
