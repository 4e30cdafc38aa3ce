"""The `kring` command as an operator and `make run` use it: a real process, a real broker."""
import json
import os
import subprocess

import jwt
import pytest
import requests
from nameko.testing.utils import find_free_port

from kring.config import DEVELOPMENT_SECRET
from kring.kit.keys import TOKEN_SIGNING, derive
from tests.support.processes import KRING, RunningKring, clean_env
from tests.support.sample import referral_body

SECRET = "an-operator-secret-of-more-than-32-characters"


def kring(*args, env=None, timeout=30):
    return subprocess.run([KRING, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def running(rabbit_config, tmp_path):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path))
    service = RunningKring(["referral", "--dev"], env).start()
    service.base = f"http://127.0.0.1:{port}/api/v1"
    service.env = env
    yield service
    service.kill()


def test_token_create_prints_only_a_signed_token():
    result = kring("token", "create", "--org", "ggd-utrecht", "--role", "coordinator",
                   "--subject", "carla", "--ttl", "120", env={"KRING_SECRET": SECRET})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    claims = jwt.decode(lines[0], derive(SECRET, TOKEN_SIGNING), algorithms=["HS256"])
    assert (claims["org"], claims["role"], claims["sub"]) == ("ggd-utrecht", "coordinator",
                                                               "carla")
    assert claims["exp"] - claims["iat"] == 120


@pytest.mark.parametrize("missing", ["--subject", "--org"])
def test_token_create_names_a_person_of_an_organisation(missing):
    given = {"--org": "ggd-utrecht", "--role": "coordinator", "--subject": "carla"}
    del given[missing]
    result = kring("token", "create", *[part for pair in given.items() for part in pair],
                   env={"KRING_SECRET": SECRET})
    assert result.returncode == 2
    assert missing in result.stderr and result.stdout == ""


def test_token_create_refuses_an_empty_organisation_and_a_day_long_token():
    for extra in (["--org", " "], ["--org", "ggd", "--ttl", str(24 * 3600)]):
        result = kring("token", "create", "--role", "referrer", "--subject", "anna", *extra,
                       env={"KRING_SECRET": SECRET})
        assert result.returncode == 2
        assert result.stdout == ""


def test_token_create_without_a_secret_refuses_unless_told_it_is_development():
    args = ("token", "create", "--org", "ggd", "--role", "referrer", "--subject", "anna")
    refused = kring(*args, env={"KRING_SECRET": ""})
    assert refused.returncode == 2 and "KRING_SECRET" in refused.stderr
    assert refused.stdout == ""
    development = kring(*args, "--dev", env={"KRING_SECRET": ""})
    assert development.returncode == 0, development.stderr
    claims = jwt.decode(development.stdout.strip(), derive(DEVELOPMENT_SECRET, TOKEN_SIGNING),
                        algorithms=["HS256"])
    assert claims["sub"] == "anna"


def test_token_create_rejects_an_unknown_role():
    result = kring("token", "create", "--org", "x", "--role", "janitor")
    assert result.returncode == 2
    assert result.stdout == ""


def test_run_refuses_to_start_without_a_secret(rabbit_config, tmp_path):
    result = subprocess.run([KRING, "run", "referral"], capture_output=True, text=True,
                            timeout=60, env=clean_env(AMQP_URI=rabbit_config["AMQP_URI"],
                                                      KRING_DATA_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "KRING_SECRET" in result.stderr


def test_status_says_when_no_service_answers(rabbit_config):
    result = kring("status", "no-such-referral", "--timeout", "1",
                   env={"AMQP_URI": rabbit_config["AMQP_URI"]})
    assert result.returncode == 1
    assert "did not answer" in result.stderr


def test_run_serves_the_api_with_tokens_from_the_command(running):
    document = requests.get(f"{running.base}/openapi.json", timeout=10).json()
    operation_ids = {op["operationId"] for path in document["paths"].values()
                     for op in path.values()}
    assert {"submitReferral", "getReferral", "withdrawReferral"} <= operation_ids

    token = kring("token", "create", "--org", "huisarts-oost", "--role", "referrer",
                  "--subject", "anna", "--dev",
                  env=running.env).stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    created = requests.post(f"{running.base}/referrals", json=referral_body(), headers=auth,
                            timeout=10)
    assert created.status_code == 201, created.text
    referral_id = created.json()["referral_id"]
    assert requests.get(f"{running.base}/referrals/{referral_id}", headers=auth,
                        timeout=10).json()["status"] == "received"
    withdrawn = requests.post(f"{running.base}/referrals/{referral_id}/withdraw",
                              data=json.dumps({"reason": "family moved"}), headers=auth,
                              timeout=10)
    assert withdrawn.status_code == 200, withdrawn.text

    status = kring("status", referral_id, env=running.env)
    assert status.returncode == 0, status.stderr
    assert "status:   closed (withdrawn)" in status.stdout
    assert "received" in status.stdout and "withdrawn — by referrer" in status.stdout

    assert running.stop() == 0
    assert "stopped" in running.log[-1]


def test_run_logs_json_lines_with_the_request_id_when_told(rabbit_config, tmp_path):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path), KRING_LOG_FORMAT="json")
    service = RunningKring(["referral", "--dev"], env).start()
    try:
        token = kring("token", "create", "--org", "huisarts-oost", "--role", "referrer",
                      "--subject", "anna", "--dev", env=env).stdout.strip()
        missing = requests.get(
            f"http://127.0.0.1:{port}/api/v1/referrals/00000000-0000-4000-8000-000000000000",
            headers={"Authorization": f"Bearer {token}", "X-Request-Id": "cli-404"},
            timeout=10)
        assert missing.status_code == 404
        assert missing.headers["X-Request-Id"] == "cli-404"
        assert service.stop() == 0
    finally:
        service.kill()
    lines = [json.loads(line) for line in service.log]  # every line is one JSON object
    assert any(line["message"].startswith("Kring is running") for line in lines)
    said = [line for line in lines if line["correlation_id"] == "cli-404"]
    assert [(line["level"], line["service"], line["message"]) for line in said] == [
        ("INFO", "referral", "getReferral answered 404 not_found (correlation id cli-404)")]


def test_run_refuses_a_log_format_it_does_not_know(rabbit_config, tmp_path):
    result = subprocess.run([KRING, "run", "referral", "--dev"], capture_output=True,
                            text=True, timeout=60,
                            env=clean_env(AMQP_URI=rabbit_config["AMQP_URI"],
                                          KRING_DATA_DIR=str(tmp_path),
                                          KRING_LOG_FORMAT="xml"))
    assert result.returncode == 2
    assert "KRING_LOG_FORMAT" in result.stderr


def test_healthcheck_passes_while_the_process_answers_and_fails_once_it_is_gone(running):
    port = running.env["KRING_HTTP_PORT"]
    answered = kring("healthcheck", env=running.env)
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout == ""
    ready = kring("healthcheck", "--ready", env=running.env)  # its database and broker answer
    assert ready.returncode == 0, ready.stderr

    running.kill()
    gone = kring("healthcheck", "--port", port, env=running.env)
    assert gone.returncode == 1
    assert f"http://127.0.0.1:{port}/api/v1/health did not answer" in gone.stderr
    assert kring("healthcheck", "--ready", "--port", port, env=running.env).returncode == 1
