"""`kring doctor` against real servers (docs/contract.md §3): the broker and its definitions, the
databases, and mail servers with and without TLS; it says what is wrong and exits 1, or 0."""
import base64
import os
import subprocess
from pathlib import Path

import pytest
from kombu import Connection
from sqlalchemy import text

from kring.kit.db import make_engine
from kring.kit.migrations import migrate
from kring.kit.topology import declare_topology
from tests.support.migrations import first_revision
from tests.support.processes import KRING, LoginSmtpServer, SmtpServer, clean_env

GOOD_SECRET = "0123456789abcdef0123456789abcdef"


def doctor(env):
    return subprocess.run([KRING, "doctor"], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def env(rabbit_config, tmp_path):
    return clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_DATA_DIR=str(tmp_path / "data"),
                     KRING_SECRET=GOOD_SECRET,
                     KRING_DATA_KEYS="k1:" + base64.b64encode(os.urandom(32)).decode())


def lines(result, level):
    return [line for line in result.stdout.splitlines() if line.startswith(level)]


def test_a_broker_without_the_definitions_fails_until_they_are_there(env, rabbit_config):
    before = doctor(env)
    assert before.returncode == 1, before.stdout + before.stderr
    (failed,) = lines(before, "FAIL")
    assert failed.split()[1] == "definitions" and "lacks 23 of the 23" in failed
    assert "deploy/rabbitmq/definitions.json" in before.stdout
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        declare_topology(connection, "referral", (1,))  # guest declares every service's
    migrated = subprocess.run([KRING, "migrate"], capture_output=True, text=True, timeout=120,
                              env=env)
    assert migrated.returncode == 0, migrated.stderr
    after = doctor(env)
    assert after.returncode == 0, after.stdout
    assert "ok    definitions" in after.stdout and "ok    database notify" in after.stdout
    assert len([line for line in lines(after, "ok") if line.split()[1] == "schema"]) == 5
    assert "guest:***@" in after.stdout and "guest:guest@" not in after.stdout
    # no mail server: notices would only be files, which is said, not failed
    assert [line.split()[1] for line in lines(after, "warn")] == ["smtp"]


def test_a_schema_behind_this_version_is_to_look_at_and_one_ahead_fails(env):
    data = Path(env["KRING_DATA_DIR"])
    engine = make_engine(f"sqlite:///{data / 'referral.db'}")
    first = first_revision("referral").revision
    migrate(engine, "referral", to=first)
    behind = doctor(env)
    (line,) = [line for line in lines(behind, "warn") if line.split()[1:3] == ["schema",
                                                                               "referral"]]
    assert f"at revision {first}; this version's newest is" in line
    assert "kring migrate" in behind.stdout
    with engine.begin() as db:  # as a later version of Kring would leave it
        db.execute(text("UPDATE alembic_version SET version_num = 'from-the-future'"))
    ahead = doctor(env)
    assert ahead.returncode == 1
    assert any("from-the-future, which this version does not know" in line
               for line in lines(ahead, "FAIL"))
    engine.dispose()


def test_a_broker_that_does_not_answer_fails_with_what_to_check(env):
    env["AMQP_URI"] = "amqp://guest:guest@127.0.0.1:1/"
    result = doctor(env)
    assert result.returncode == 1
    assert any(line.split()[1] == "broker" and "does not answer" in line
               for line in lines(result, "FAIL"))


def test_a_mail_server_without_starttls_fails_when_tls_is_required(env, tmp_path):
    server = SmtpServer(tmp_path / "maildir").start()
    try:
        env.update(KRING_SMTP_HOST="127.0.0.1", KRING_SMTP_PORT=str(server.port),
                   KRING_SMTP_TLS="starttls")
        result = doctor(env)
    finally:
        server.kill()
    (smtp,) = [line for line in lines(result, "FAIL") if line.split()[1] == "smtp"]
    assert "offers no STARTTLS" in smtp and result.returncode == 1
    assert server.messages() == []  # greeted, never sent anything


def test_a_mail_server_with_starttls_and_a_login_is_fine(env, tmp_path, certificates):
    server = LoginSmtpServer(tmp_path / "maildir", certificates, "kring", "relay-pw").start()
    try:
        env.update(KRING_SMTP_HOST="127.0.0.1", KRING_SMTP_PORT=str(server.port),
                   KRING_SMTP_TLS="starttls", KRING_SMTP_CA_FILE=str(certificates.ca_file),
                   KRING_SMTP_USERNAME="kring", KRING_SMTP_PASSWORD="relay-pw")
        result = doctor(env)
    finally:
        server.kill()
    assert any("over STARTTLS, and the login works" in line for line in lines(result, "ok"))
    assert any(line.split()[1] == "KRING_SMTP_CA_FILE" for line in lines(result, "ok"))
    assert "relay-pw" not in result.stdout


def test_a_configuration_that_cannot_be_read_is_one_failure_that_names_the_variable(env):
    env["KRING_SMTP_TLS"], env["KRING_SMTP_HOST"] = "sometimes", "mail.example.org"
    result = doctor(env)
    assert result.returncode == 1
    (failed,) = lines(result, "FAIL")
    assert "KRING_SMTP_TLS must be one of" in failed
