"""Matching started on a database from before supporters belonged to an organisation, on SQLite
and PostgreSQL: the column is added on start, and each supporter gets the organisation it can be
known to work for; the others reach nobody."""
from sqlalchemy import text

from kring.config import DATABASES_KEY
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.migrations import migrate
from services.matching.models import metadata
from services.matching.service import MatchingService
from tests.support.integration.matching import COORDINATOR, OTHER_COORDINATOR, ORG
from tests.support.migrations import made_before_migrations
from tests.support.unit.matching import old_proposal, old_referral, old_supporter


def an_older_database(url):
    """The tables as they stood: supporters without an organisation column, one of them
    matched to a referral ORG coordinates, one never proposed to anybody."""
    engine = make_engine(url)
    try:
        migrate(engine, "matching")
        with UnitOfWork.on(engine, metadata) as uow:
            uow.session.add_all([old_supporter("anna", 1), old_supporter("bram", 2),
                                 old_referral("r-1", ORG, supporter_id="anna"),
                                 old_proposal("p-1", "r-1", "anna", status="accepted")])
        made_before_migrations(engine, "matching")
        with engine.begin() as db:
            db.execute(text("ALTER TABLE supporters DROP COLUMN organisation"))
    finally:
        engine.dispose()


def test_supporters_from_before_organisations_get_theirs_on_start(container_factory,
                                                                  kring_config, api):
    an_older_database(kring_config[DATABASES_KEY]["matching"])
    container_factory(MatchingService, kring_config).start()
    listed = api.get("/supporters", COORDINATOR).json()["supporters"]
    assert [(s["supporter_id"], s["organisation"], s["load"]) for s in listed] == [
        ("anna", ORG, 1)]
    assert api.get("/supporters", OTHER_COORDINATOR).json()["supporters"] == []
    assert api.get("/supporters/bram", COORDINATOR).status_code == 404
