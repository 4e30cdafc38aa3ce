"""A service's database over TLS (docs/contract.md §2, `KRING_DB_<SERVICE>` with `sslmode`):
`kring run` against a PostgreSQL server of the test's own that rejects any connection without
TLS, its certificate checked against the test's CA and its name (`sslmode=verify-full`)."""
import pytest
import requests
from nameko.testing.utils import find_free_port
from sqlalchemy import create_engine, text

from kring.config import DEVELOPMENT_SECRET
from kring.kit.auth import create_token
from kring.kit.db import postgres_driver
from tests.support.processes import RunningKring, clean_env
from tests.support.sample import referral_body
from tests.support.tls_postgres import TlsPostgres


@pytest.fixture(scope="module")
def postgres(tmp_path_factory, certificates):
    server = TlsPostgres(tmp_path_factory.mktemp("postgres"), certificates).start()
    yield server
    server.stop()


def test_the_server_rejects_a_connection_without_tls(postgres):
    engine = create_engine(postgres_driver(postgres.url(sslmode="disable")))
    with pytest.raises(Exception, match="no encryption"):
        with engine.connect():
            pass


def test_kring_keeps_its_referrals_in_a_database_it_reaches_over_tls(
        postgres, rabbit_config, tmp_path):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path), KRING_DB_REFERRAL=postgres.url())
    running = RunningKring(["referral", "--dev"], env).start()
    try:
        token = create_token(DEVELOPMENT_SECRET, "huisarts-oost", "referrer", "anna", 600)
        answer = requests.post(f"http://127.0.0.1:{port}/api/v1/referrals",
                               json=referral_body(), timeout=30,
                               headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.text
    finally:
        running.kill()
    with create_engine(postgres_driver(postgres.url())).connect() as db:
        # the server saw this very connection encrypted, and holds the referral
        assert db.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))\
            .scalar() is True
        assert db.execute(text("SELECT count(*) FROM referrals")).scalar() == 1


def test_a_server_certificate_for_another_name_is_refused(postgres, rabbit_config, tmp_path):
    port = find_free_port()
    wrong_name = postgres.url(host="127.0.0.2")
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path), KRING_DB_REFERRAL=wrong_name)
    with pytest.raises(AssertionError, match="exited before it was ready") as refused:
        RunningKring(["referral", "--dev"], env).start()
    assert 'does not match host name "127.0.0.2"' in str(refused.value)
