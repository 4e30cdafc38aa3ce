"""A plan stored before plans knew their coordinating organisation, in a database from before
migrations: its row has no such column until aftercare starts
(kring.kit.migrations.bring_up_to adds it, NULL). No coordinator can
tell it is theirs, so nobody reaches it, until a handover of its case names the organisation."""
from sqlalchemy import text

from kring.clock import utcnow
from kring.config import DATABASES_KEY
from kring.kit.db import UnitOfWork, make_engine
from kring.kit.migrations import migrate
from services.aftercare import handlers
from services.aftercare.models import metadata
from services.aftercare.outgoing import outgoing
from services.aftercare.service import AftercareService
from tests.support.events import deliver
from tests.support.integration.aftercare import COORDINATOR, handed_over
from tests.support.migrations import made_before_migrations


def stored_before(url, event):
    """The plan `event` starts, in a database whose plans table lacks coordinator_org."""
    engine = make_engine(url)
    try:
        migrate(engine, "aftercare")
        handlers.react(UnitOfWork.on(engine, metadata, outgoing, inbox_key="on_casework"),
                       event, utcnow())
        made_before_migrations(engine, "aftercare")
        with engine.begin() as db:
            db.execute(text("ALTER TABLE aftercare_plans DROP COLUMN coordinator_org"))
            return db.execute(text("SELECT id FROM aftercare_plans")).scalar_one()
    finally:
        engine.dispose()


def test_an_older_plan_reaches_nobody_until_a_handover_names_its_organisation(
        container_factory, kring_config, emitted, api):
    first = handed_over(coordinator_org=None)
    aftercare_id = stored_before(kring_config[DATABASES_KEY]["aftercare"], first)
    aftercare = container_factory(AftercareService, kring_config)
    aftercare.start()
    assert emitted.next()["type"] == "aftercare_started"  # what the old outbox still held
    path = f"/aftercare/{aftercare_id}"

    refused = api.get(path, COORDINATOR)
    assert (refused.status_code, refused.json()) == (404, {
        "error": "not_found", "message": f"no aftercare plan {aftercare_id}"})

    again = handed_over(referral_id=first.referral_id, case_id=first.data["case_id"])
    deliver(aftercare, kring_config["AMQP_URI"], again)  # the plan runs on as it was
    shown = api.get(path, COORDINATOR)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["status"], len(shown.json()["contacts"])) == ("active", 13)
