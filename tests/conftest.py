"""Shared fixtures: a vhost per test (nameko's rabbit_config), a database per test (SQLite file or
a PostgreSQL schema), signed tokens, and an HTTP client for the public API."""
import kring  # noqa: F401  (first: it silences eventlet's deprecation notice)
import eventlet  # noqa: E402

eventlet.monkey_patch()  # before anything opens a socket (nameko's plugin no longer does this)

import logging  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from kring.config import DATABASES_KEY, SERVICES, Settings  # noqa: E402
from kring.kit.auth import create_token  # noqa: E402
from kring.kit.db import postgres_driver  # noqa: E402

TEST_SECRET = "kring-test-secret-of-at-least-32-bytes"
POSTGRES_URL = postgres_driver(os.environ.get("KRING_TEST_POSTGRES",
                                              "postgresql://postgres@127.0.0.1:5432/postgres"))


def pytest_unconfigure(config):
    # With threading green, logging's weakref clean-up of handlers at interpreter exit takes a
    # lock from a greenlet being finalised and prints a traceback per handler after pytest's
    # summary. Flush and close the handlers now, then leave nothing for that clean-up to do.
    logging.shutdown()
    logging._handlerList.clear()


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


def sqlite_urls(folder):
    return {service: f"sqlite:///{folder}/{service}.db" for service in SERVICES}


@pytest.fixture
def postgres_urls(postgres_database):
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_database, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with engine.connect() as db:
        db.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{postgres_database}?options=-csearch_path%3D{schema}"
    yield {service: url for service in SERVICES}
    with engine.connect() as db:
        db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_urls(request, tmp_path):
    """Runs the test twice: on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return sqlite_urls(tmp_path)
    return request.getfixturevalue("postgres_urls")


def service_config(rabbit_config, web_config, database_urls, data_dir):
    """A nameko config as `kring run` makes it (every key, its default unless set here)."""
    config = Settings.from_env({"KRING_SECRET": TEST_SECRET,
                                "KRING_DATA_DIR": str(data_dir)}).nameko_config()
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


def token(org="huisarts-oost", role="referrer", ttl=600):
    return create_token(TEST_SECRET, org, role, ttl)


class Api:
    """The public HTTP API as a client sees it."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}/api/v1"
        self.http = requests.Session()

    def call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.base + path, headers=headers, timeout=30,
                                 **kwargs)

    def post(self, path, token=None, **kwargs):
        return self.call("POST", path, token, **kwargs)

    def get(self, path, token=None, **kwargs):
        return self.call("GET", path, token, **kwargs)


@pytest.fixture
def api(web_config_port):
    client = Api(web_config_port)
    yield client
    client.http.close()


def referral_body(external_ref="HA-2026-0042", **overrides):
    body = {
        "programme": "home-start",
        "external_ref": external_ref,
        "referrer": {"name": "J. de Vries", "organisation": "Huisartsenpraktijk Oost",
                     "role": "gp", "email": "j.devries@example.org", "language": "nl"},
        "family": {"contact_name": "Fam. Yilmaz", "phone": "+31612345678",
                   "postcode": "3581AB", "municipality": "Utrecht", "languages": ["nl", "tr"],
                   "children_ages": [2, 5]},
        "request": {"question": "Support with parenting after a move", "domains": ["parenting"],
                    "urgency": "normal"},
        "consent": {"family_consents": True, "share_status_with_referrer": True,
                    "given_on": "2026-11-20"},
    }
    for key, value in overrides.items():
        body[key] = value
    return body
