"""The fixtures every test folder may ask for, registered once by tests/conftest.py: a database
per test (a SQLite file, or a PostgreSQL schema per service), the services' configuration, the public API,
and a unit of work for the unit tests of a service's use cases."""
import uuid
from importlib import import_module

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from kring.config import DATABASES_KEY, RUNNABLE, Settings
from kring.kit import crypto
from kring.kit.db import UnitOfWork, make_engine
from tests.support.api import TEST_SECRET, Api
from tests.support.databases import POSTGRES_URL, sqlite_urls
from tests.support.directory import TEST_DIRECTORY
from tests.support.tls import make_certificates


@pytest.fixture(autouse=True)
def data_keys():
    """The data keys a service set up with the tests' configuration installs (kring.kit.crypto),
    installed for every test: a unit of work made without a service seals with them too."""
    crypto.install(crypto.keyring(None, [TEST_SECRET]))


@pytest.fixture(scope="session")
def postgres_database():
    """One throw-away PostgreSQL database for the session; each test gets its own schema."""
    name = f"kring_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with admin.connect() as db:
        db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_urls(postgres_database):
    """Each service's database as a schema of its own, as each service owns its database
    (its migrations, the kit's tables and the record of its revision are its own)."""
    test = f"t_{uuid.uuid4().hex[:12]}"
    schemas = {service: f"{test}_{service}" for service in RUNNABLE}
    engine = create_engine(postgres_database, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with engine.connect() as db:
        for schema in schemas.values():
            db.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield {service: f"{postgres_database}?options=-csearch_path%3D{schema}"
           for service, schema in schemas.items()}
    for schema in schemas.values():
        _drop_schema(engine, schema)
    engine.dispose()


def _drop_schema(engine, schema, attempts=5):
    """A container the test started may still be stopping, its timer in a query on these
    tables: when PostgreSQL picks the drop as a deadlock's victim, the container's query has
    won and ended, and the drop goes through on the next attempt."""
    for attempt in range(attempts):
        try:
            with engine.connect() as db:
                db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            return
        except OperationalError as exc:
            if "deadlock detected" not in str(exc) or attempt == attempts - 1:
                raise


@pytest.fixture(params=["sqlite", "postgresql"])
def database_urls(request, tmp_path):
    """Runs the test twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_urls(tmp_path)
    return request.getfixturevalue("postgres_urls")


def service_config(rabbit_config, web_config, database_urls, data_dir):
    """A nameko config as `kring run` makes it (every key, its default unless set here), with
    the tests' provider directory (tests/support/directory.py)."""
    config = Settings.from_env({"KRING_SECRET": TEST_SECRET, "KRING_DATA_DIR": str(data_dir),
                                "KRING_DIRECTORY": str(TEST_DIRECTORY)}).nameko_config()
    config.update(rabbit_config)
    config.update(web_config)
    config[DATABASES_KEY] = database_urls
    return config


@pytest.fixture
def kring_config(rabbit_config, web_config, database_urls, tmp_path):
    return service_config(rabbit_config, web_config, database_urls, tmp_path)


@pytest.fixture
def sqlite_config(rabbit_config, web_config, tmp_path):
    """Like kring_config, SQLite only: for tests about the broker rather than the database."""
    return service_config(rabbit_config, web_config, sqlite_urls(tmp_path), tmp_path)


@pytest.fixture
def api(web_config_port):
    client = Api(web_config_port)
    yield client
    client.http.close()


@pytest.fixture
def uow(request, tmp_path):
    """A unit of work on a throw-away SQLite file (no broker) holding the tables of the service
    whose unit tests ask for it: the one the test's folder is named for (tests/unit/<service>/),
    translating its domain events through its outgoing table. The tests are one consumer of
    every event they hand it (inbox key "tests")."""
    service = request.path.parent.name
    metadata = import_module(f"services.{service}.models").metadata
    outgoing = getattr(_outgoing_module(service), "outgoing", None)
    engine = make_engine(f"sqlite:///{tmp_path}/{service}.db")
    metadata.create_all(engine)
    yield UnitOfWork.on(engine, metadata, outgoing, inbox_key="tests")
    engine.dispose()


def _outgoing_module(service):
    try:
        return import_module(f"services.{service}.outgoing")
    except ModuleNotFoundError:  # a service that emits no events (notify)
        return None


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    """A CA of the tests' own and a certificate it signed for loopback (tests.support.tls),
    valid long enough that nothing warns of its end: for the TLS servers tests start."""
    return make_certificates(tmp_path_factory.mktemp("tls"), days=400)
