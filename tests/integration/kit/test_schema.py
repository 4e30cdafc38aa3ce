"""What the unit of work does for every service's database, on SQLite and on PostgreSQL: the
audit record of a call. (What a newer version adds to an older database: tests/integration/kit/test_migrations.py.)"""
from sqlalchemy import select

from kring.kit.access import Caller, Owner
from kring.kit.auth import Identity
from kring.kit.db import UnitOfWork, make_engine
from kring.errors import NotFound
from services.casework.models import metadata as casework_metadata


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
