"""What the unit of work and the schema do for every service's database, on SQLite and on
PostgreSQL: columns added by a newer version, and the audit record of a call."""
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text

from kring.kit.access import Caller, Owner
from kring.kit.auth import Identity
from kring.kit.db import UnitOfWork, add_missing_columns, make_engine
from kring.errors import NotFound
from services.casework.models import metadata as casework_metadata


def test_a_column_added_by_a_newer_version_is_added_and_the_rows_are_kept(database_urls):
    engine = make_engine(database_urls["referral"])
    older, newer = MetaData(), MetaData()
    Table("things", older, Column("id", Integer, primary_key=True), Column("name", String(20)))
    Table("things", newer, Column("id", Integer, primary_key=True), Column("name", String(20)),
          Column("route", String(128)))
    older.create_all(engine)
    with engine.begin() as db:
        db.execute(text("INSERT INTO things (id, name) VALUES (1, 'kept')"))
    add_missing_columns(engine, newer)
    add_missing_columns(engine, newer)  # again: nothing left to add, nothing fails
    with engine.begin() as db:
        assert db.execute(text("SELECT name, route FROM things")).all() == [("kept", None)]
    engine.dispose()


def test_a_call_is_recorded_in_the_transaction_that_reaches_the_referral(database_urls):
    engine = make_engine(database_urls["casework"])
    casework_metadata.create_all(engine)
    audit = casework_metadata.tables["audit"]
    owner = Owner(referral_id="r-1", coordinating_org="hs-utrecht")
    reader = Caller(Identity("hs-utrecht", "coordinator", "carla"), "getCase", target_id="c-1")
    with UnitOfWork.on(engine, casework_metadata, caller=reader):
        reader.reach(owner, NotFound("no case c-1"))
    assert reader.recorded
    outsider = Caller(Identity("hs-zeist", "coordinator", "zoe"), "getCase", target_id="c-1")
    try:
        with UnitOfWork.on(engine, casework_metadata, caller=outsider):
            outsider.reach(owner, NotFound("no case c-1"))
    except NotFound:
        pass
    assert not outsider.recorded  # rolled back with the call; the Database provider records it
    with UnitOfWork.on(engine, casework_metadata) as uow:
        rows = uow.session.execute(select(audit)).mappings().all()
    assert [(row["operation"], row["referral_id"], row["target_id"], row["person"],
             row["organisation"], row["role"], row["answer"]) for row in rows] == [
        ("getCase", "r-1", "c-1", "carla", "hs-utrecht", "coordinator", 200)]
    engine.dispose()
