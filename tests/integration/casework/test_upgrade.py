"""Visits, concerns and plans stored when they named only the role of who wrote them, in a
database from before migrations: the person's columns are added when casework starts
(kring.kit.migrations.bring_up_to), NULL, and the case still shows who wrote what as well as it
knows."""
from sqlalchemy import text

from kring.clock import utcnow
from kring.config import DATABASES_KEY
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.migrations import migrate
from services.casework import handlers
from services.casework.models import CaseRow, metadata
from services.casework.outgoing import outgoing
from services.casework.service import CaseworkService
from tests.support.integration.casework import COORDINATOR, SUPPORTER, match_made
from tests.support.migrations import made_before_migrations
from tests.support.unit.access import call, caller

OLD_PLAN = {"goals": [{"life_domain": "parenting", "goal": "calm bedtimes", "for": "adult"}],
            "risk_factors": [], "protective_factors": [], "support_figures": [],
            "intensity": "high", "set_by": "supporter", "set_at": "2026-01-06T10:00:00Z"}


def stored_before(url):
    """A case with a visit and a concern, in a database whose rows name only the role."""
    engine = make_engine(url)
    try:
        migrate(engine, "casework")
        uow = UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_matching")
        handlers.react(uow, match_made(), utcnow())
        with uow:
            case_id = uow.session.execute(text("SELECT id FROM cases")).scalar_one()
            uow.session.get(CaseRow, case_id).plan = OLD_PLAN
        supporter = caller("logVisit", "home-start-oost", "supporter", "s-1")
        call(uow, handlers.log_visit, supporter, case_id,
             {"date": utcnow().date(), "hours": 4, "notes": None}, utcnow())
        call(uow, handlers.record_safety_concern, caller("recordSafetyConcern",
             "home-start-oost", "coordinator"), case_id,
             {"description": "x", "immediate": False}, utcnow())
        made_before_migrations(engine, "casework")
        with engine.begin() as db:
            db.execute(text("ALTER TABLE case_visits DROP COLUMN logged_by_person"))
            db.execute(text("ALTER TABLE case_safety_concerns DROP COLUMN recorded_by_person"))
        return case_id
    finally:
        engine.dispose()


def test_what_was_stored_with_the_role_alone_shows_the_role(container_factory, kring_config,
                                                            emitted, api):
    case_id = stored_before(kring_config[DATABASES_KEY]["casework"])
    casework = container_factory(CaseworkService, kring_config)
    casework.start()
    shown = api.get(f"/cases/{case_id}", COORDINATOR)
    assert shown.status_code == 200, shown.text
    case = shown.json()
    assert [(v["logged_by"], v["logged_by_role"]) for v in case["visits"]] == [
        (None, "supporter")]
    assert [(c["recorded_by"], c["recorded_by_role"]) for c in case["safety_concerns"]] == [
        (None, "coordinator")]
    assert (case["plan"]["set_by"], case["plan"]["set_by_role"]) == (None, "supporter")

    logged = api.post(f"/cases/{case_id}/visits", SUPPORTER,
                      json={"date": utcnow().date().isoformat(), "hours": 2})
    assert logged.status_code == 201, logged.text
    assert [(v["logged_by"], v["logged_by_role"]) for v in logged.json()["visits"]] == [
        (None, "supporter"), ("s-1", "supporter")]
