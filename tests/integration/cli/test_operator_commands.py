"""The operator's commands of docs/contract.md §3 against a real `kring run`: the provider
directory (`kring provider`), the audit trail (`kring audit`), and a start refused for a
directory that cannot be applied."""
import getpass
import json
import subprocess

import pytest
import requests
from nameko.testing.utils import find_free_port

from kring.config import DEVELOPMENT_SECRET
from kring.kit.auth import create_token
from tests.support.directory import COORDINATING_ORG
from tests.support.processes import KRING, RunningKring, clean_env
from tests.support.sample import referral_body


def kring(running, *args, timeout=60):
    return subprocess.run([KRING, *args], capture_output=True, text=True, timeout=timeout,
                          env=running.env)


def start(rabbit_config, tmp_path, *services):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path))
    running = RunningKring([*services, "--dev"], env).start()
    running.base, running.env = f"http://127.0.0.1:{port}/api/v1", env
    return running


@pytest.fixture
def referral_only(rabbit_config, tmp_path):
    running = start(rabbit_config, tmp_path, "referral")
    yield running
    running.kill()


def submitted(running):
    token = create_token(DEVELOPMENT_SECRET, "huisarts-oost", "referrer", "anna", 600)
    answer = requests.post(f"{running.base}/referrals", json=referral_body(), timeout=30,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.text
    return answer.json()["referral_id"]


def test_provider_list_shows_the_directory_of_a_municipality(referral_only):
    listed = kring(referral_only, "provider", "list", "--municipality", "utrecht")
    assert listed.returncode == 0, listed.stderr
    assert "Providers in Utrecht (GM0344):" in listed.stdout
    assert f"home-start by {COORDINATING_ORG}" in listed.stdout
    unknown = kring(referral_only, "provider", "list", "--municipality", "Utrect")
    assert unknown.returncode == 2
    assert "unknown municipality 'Utrect'; did you mean: Utrecht?" in unknown.stderr


def test_provider_register_registers_each_entry_and_says_which_were_refused(referral_only,
                                                                           tmp_path):
    entries = [{"organisation": "home-start-amsterdam", "name": "Home-Start Amsterdam",
                "programme": "home-start", "municipalities": ["Amsterdam", "Diemen"],
                "languages": ["nl"]},
               {"organisation": "home-start-amsterdam", "name": "Home-Start Amsterdam",
                "programme": "home-start", "municipalities": ["Zeist"], "languages": ["nl"]}]
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(entries))
    registered = kring(referral_only, "provider", "register", str(path))
    assert registered.returncode == 1
    assert "registered home-start by home-start-amsterdam in 2 municipalities" in \
        registered.stdout
    assert "entry 2 (home-start by home-start-amsterdam) refused (409)" in registered.stderr
    assert "Zeist (GM0355) by home-start-oost" in registered.stderr
    listed = kring(referral_only, "provider", "list", "--municipality", "GM0384")
    assert "home-start by home-start-amsterdam" in listed.stdout

    path.write_text(json.dumps(entries[0]))  # one body; the same again changes nothing
    assert kring(referral_only, "provider", "register", str(path)).returncode == 0


def test_audit_says_which_service_did_not_answer(referral_only):
    referral_id = submitted(referral_only)
    result = kring(referral_only, "audit", referral_id, "--timeout", "2")
    assert result.returncode == 1
    assert f"the audit trail of {referral_id} is incomplete" in result.stderr
    assert "matching service did not answer" in result.stderr
    unknown = kring(referral_only, "audit", "00000000-0000-4000-8000-000000000000")
    assert unknown.returncode == 1 and "no referral" in unknown.stderr


def test_audit_prints_the_whole_trail_with_the_operators_reads(rabbit_config, tmp_path):
    running = start(rabbit_config, tmp_path)  # all five services
    try:
        referral_id = submitted(running)
        assert kring(running, "status", referral_id).returncode == 0
        result = kring(running, "audit", referral_id)
    finally:
        running.kill()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Audit trail of referral {referral_id}"
    assert lines[1].split() == ["time", "service", "operation", "person", "organisation",
                                "role", "answer"]
    rows = [line.split()[3:] for line in lines[2:]]  # after the date, the time and "UTC"
    assert ["referral", "submitReferral", "anna", "huisarts-oost", "referrer", "201"] in rows
    operator = getpass.getuser()
    assert ["referral", "kring", "status", operator, "platform", "operator", "200"] in rows
    assert ["referral", "kring", "audit", operator, "platform", "operator", "200"] in rows


def test_a_directory_that_cannot_be_applied_stops_the_start(rabbit_config, tmp_path):
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps([{"organisation": "x", "name": "X", "programme": "home-start",
                                      "municipalities": ["Utrect"], "languages": ["nl"]}]))
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(find_free_port()),
                    KRING_DATA_DIR=str(tmp_path), KRING_DIRECTORY=str(directory))
    result = subprocess.run([KRING, "run", "referral", "--dev"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 2
    assert f"KRING_DIRECTORY {directory}: entry 1: municipalities: unknown municipality " \
           "'Utrect'; did you mean: Utrecht?" in result.stderr
