"""The `kring` command as an operator and `make run` use it: a real process, a real broker."""
import json
import os
import subprocess

import jwt
import pytest
import requests
from nameko.testing.utils import find_free_port

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
                   "--ttl", "120", env={"KRING_SECRET": SECRET})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    claims = jwt.decode(lines[0], SECRET, algorithms=["HS256"])
    assert (claims["org"], claims["role"]) == ("ggd-utrecht", "coordinator")
    assert claims["exp"] - claims["iat"] == 120


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
