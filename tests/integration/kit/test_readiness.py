"""GET /api/v1/ready: 200 while the process's database and broker answer and its consumers are
attached, 503 saying what is not ready once the database is gone; /api/v1/health still 200."""
import uuid

import pytest
from sqlalchemy import create_engine, text

from kring.about import AboutService
from kring.config import DATABASES_KEY
from services.casework.service import CaseworkService
from services.portal.service import PortalService
from tests.support.databases import POSTGRES_URL
from tests.support.metrics import scrape, value
from tests.support.waiting import eventually


@pytest.fixture
def own_database():
    """A PostgreSQL database of this test's own, which the test may drop."""
    name = f"kring_ready_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    yield f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}", drop
    drop()
    admin.dispose()


def on_own_database(runner_factory, sqlite_config, own_database, service):
    """`service` and the about service in one process, `service`'s database the test's own;
    the function that drops it."""
    url, drop = own_database
    config = dict(sqlite_config)
    config[DATABASES_KEY] = dict(config[DATABASES_KEY], **{service.name: url})
    runner_factory(config, service, AboutService).start()
    return drop


@pytest.fixture
def casework(runner_factory, sqlite_config, own_database):
    return on_own_database(runner_factory, sqlite_config, own_database, CaseworkService)


def test_ready_until_the_database_is_gone(casework, api, web_config_port):
    answer = api.get("/ready")
    assert answer.status_code == 200, answer.text
    assert answer.json()["services"] == {
        "casework": {"database": "ok", "broker": "ok", "consumers": "ok"}}
    assert value(scrape(web_config_port), "kring_ready", service="casework") == 1

    casework()  # the database is dropped under the running service

    answer = api.get("/ready")
    assert answer.status_code == 503
    body = answer.json()
    assert body["error"] == "unavailable"
    assert body["services"]["casework"]["database"].startswith("does not answer")
    assert body["services"]["casework"]["broker"] == "ok"
    assert "casework database" in body["message"]
    scraped = eventually(lambda: (lambda s: s if value(
        s, "kring_database_up", service="casework") == 0 else None)(scrape(web_config_port)),
        what="/metrics to say the database is down")
    assert value(scraped, "kring_ready", service="casework") == 0
    assert api.get("/health").status_code == 200  # the process lives


@pytest.fixture
def portal_alone(runner_factory, sqlite_config, own_database):
    """The portal without any service, as its own container runs it: no consumer, no broker
    work; its store on a database the test may drop."""
    return on_own_database(runner_factory, sqlite_config, own_database, PortalService)


def test_the_portal_alone_is_ready_while_its_store_answers(portal_alone, api):
    answer = api.get("/ready")
    assert answer.status_code == 200, answer.text
    assert answer.json()["services"] == {"portal": {"database": "ok"}}

    portal_alone()  # its database is dropped under it

    answer = api.get("/ready")
    assert answer.status_code == 503
    assert answer.json()["services"]["portal"]["database"].startswith("does not answer")
    assert "portal database" in answer.json()["message"]
