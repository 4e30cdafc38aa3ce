"""The revision that brought supporter_areas gives the supporters already registered their
areas, on SQLite and on PostgreSQL, so matching finds them as candidates after an upgrade."""
from sqlalchemy import insert, select

from kring.kit.db import UnitOfWork, make_engine
from kring.kit.migrations import migrate, scripts
from services.matching.models import SupporterAreaRow, SupporterRow, metadata

BEFORE_AREAS = "db2a8efb8fc4"


def supporter_row(supporter_id, position, active, municipalities):
    return {"id": supporter_id, "position": position, "organisation": "org-a",
            "name": f"Supporter {supporter_id}", "kind": "volunteer",
            "programmes": ["home-start", "trajectory"], "languages": ["nl"],
            "municipalities": municipalities, "capacity": 2, "expertise": [], "active": active,
            "registered_at": "2026-01-01T10:00:00.000000Z"}


def test_the_upgrade_gives_every_active_supporter_its_areas(database_urls):
    engine = make_engine(database_urls["matching"])
    try:
        assert migrate(engine, "matching", to=BEFORE_AREAS) == (None, BEFORE_AREAS)
        with engine.begin() as db:
            db.execute(insert(SupporterRow.__table__), [
                supporter_row("s-1", 1, True, [" Utrecht", "utrecht", "Den Haag"]),
                supporter_row("s-2", 2, False, ["Utrecht"])])
        head = scripts("matching").get_current_head()
        assert migrate(engine, "matching") == (BEFORE_AREAS, head)
        with UnitOfWork.on(engine, metadata) as uow:
            areas = uow.session.execute(select(
                SupporterAreaRow.supporter_id, SupporterAreaRow.programme,
                SupporterAreaRow.municipality).order_by(
                SupporterAreaRow.programme, SupporterAreaRow.municipality)).all()
        # the inactive one has none; one municipality written twice is one area
        assert [tuple(area) for area in areas] == [
            ("s-1", "home-start", "den haag"), ("s-1", "home-start", "utrecht"),
            ("s-1", "trajectory", "den haag"), ("s-1", "trajectory", "utrecht")]
    finally:
        engine.dispose()
