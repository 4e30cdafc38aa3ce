"""`kring rekey` against a real `kring run` (docs/contract.md §3; docs/security.md "Keys"): a
data key rotated, everything sealed again under the new one (notify's notice files too), the old
one retired, nothing unreadable on the way; and a malformed KRING_DATA_KEYS stops Kring before
it starts."""
import base64
import json
import os
import subprocess
import uuid

import pytest
import requests
from nameko.testing.utils import find_free_port

from kring.config import DEVELOPMENT_SECRET, SERVICES
from kring.kit import crypto
from kring.kit.auth import create_token
from tests.support.databases import Databases
from tests.support.directory import COORDINATING_ORG
from tests.support.processes import KRING, RunningKring, clean_env
from tests.support.sample import SAMPLE, referral_body
from tests.support.waiting import eventually


def data_key(key_id):
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


OLD, NEW = data_key("k1"), data_key("k2")


class Kring:
    """`kring run --dev` of all five services on SQLite files in one folder, started again
    with other data keys as an operator would."""

    def __init__(self, rabbit_config, folder):
        self.folder, self.running = folder, None
        self.port = find_free_port()
        self.env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_DATA_DIR=str(folder),
                             KRING_HTTP_PORT=str(self.port))
        self.databases = Databases(folder)

    def start(self, data_keys):
        self.stop()
        self.env["KRING_DATA_KEYS"] = data_keys
        self.running = RunningKring(["--dev"], self.env).start()

    def stop(self):
        if self.running is not None:
            assert self.running.stop() == 0, "".join(self.running.log)
            self.running = None

    def command(self, *args):
        return subprocess.run([KRING, *args], capture_output=True, text=True, timeout=120,
                              env=self.env)

    def submit(self):
        answer = self.http("POST", "/referrals", "referrer", "huisarts-oost",
                           json=referral_body(f"HA-{uuid.uuid4().hex[:8]}"))
        assert answer.status_code == 201, answer.text
        referral_id = answer.json()["referral_id"]
        # notify has the referrer's address, and the outbox has sent the event
        eventually(lambda: self.databases.query(
            "notify", "SELECT 1 FROM contacts WHERE referral_id = :id", id=referral_id),
            what="notify to store the referrer's address")
        return referral_id

    def withdraw(self, referral_id):
        """The referral withdrawn: its closure notice is written as a file (no SMTP here)."""
        answer = self.http("POST", f"/referrals/{referral_id}/withdraw", "referrer",
                           "huisarts-oost", json={"by": "family", "reason": "the family stops"})
        assert answer.status_code == 200, answer.text
        notice = self.folder / "notices" / f"{referral_id}-closure.eml"
        eventually(notice.exists, what="the closure notice's file")
        return notice

    def family_of(self, referral_id):
        answer = self.http("GET", f"/referrals/{referral_id}", "coordinator", COORDINATING_ORG)
        assert answer.status_code == 200, answer.text
        return answer.json()["family"]

    def http(self, method, path, role, org, **kwargs):
        token = create_token(DEVELOPMENT_SECRET, org, role, "carla", 600)
        return requests.request(method, f"http://127.0.0.1:{self.port}/api/v1{path}",
                                headers={"Authorization": f"Bearer {token}"}, timeout=30,
                                **kwargs)

    def stored(self):
        """(table.column, value as stored) of every sealed value in every database."""
        from importlib import import_module
        found = []
        for service in SERVICES:
            metadata = import_module(f"services.{service}.models").metadata
            for table in metadata.sorted_tables:
                for column in crypto.encrypted_columns(table):
                    values = self.databases.query(
                        service, f'SELECT "{column.name}" FROM "{table.name}" '
                                 f'WHERE "{column.name}" IS NOT NULL')
                    found += [(f"{table.name}.{column.name}", value) for (value,) in values]
        return found


@pytest.fixture
def kring(rabbit_config, tmp_path):
    running = Kring(rabbit_config, tmp_path)
    yield running
    if running.running is not None:
        running.running.kill()
    running.databases.drop()


def sealed_under(stored):
    """The key ids the stored values were sealed under."""
    ids = set()
    for _, value in stored:
        text = json.loads(value) if value.startswith('"') else value  # a JSON column's string
        ids.add(text.split(":")[1] if text.startswith("enc:") else "plain")
    return ids


def test_a_rotated_data_key_and_rekey_leave_everything_under_the_new_key(kring):
    kring.start(OLD)
    before = kring.submit()
    notice = kring.withdraw(before)
    assert sealed_under(kring.stored()) == {"k1"}
    assert notice.read_bytes().startswith(b"enc:k1:")

    kring.start(f"{NEW},{OLD}")  # the new key seals, the old one still opens
    assert kring.family_of(before) == SAMPLE["family"]
    after = kring.submit()
    assert sealed_under(kring.stored()) == {"k1", "k2"}

    first = kring.command("rekey")
    assert first.returncode == 0, first.stderr
    said = dict(line.split(": ", 1) for line in first.stdout.splitlines())
    assert set(said) == set(SERVICES)
    assert not said["referral"].startswith("0 ") and "referrals " in said["referral"]
    assert "notice files 1" in said["notify"], said["notify"]
    assert sealed_under(kring.stored()) == {"k2"}
    assert notice.read_bytes().startswith(b"enc:k2:")
    again = kring.command("rekey")  # nothing left to do
    assert again.returncode == 0 and again.stdout.count(": 0 values sealed again") == 5, \
        again.stdout + again.stderr

    kring.start(NEW)  # the old key retired: everything still reads
    assert kring.family_of(before) == kring.family_of(after) == SAMPLE["family"]
    shown = kring.command("notices", before, "--mail")
    assert shown.returncode == 0, shown.stderr
    assert "| To: " in shown.stdout and f"| X-Kring-Referral: {before}" in shown.stdout, \
        shown.stdout
    kring.stop()


def test_a_malformed_data_key_stops_kring_before_it_starts(kring):
    short = base64.b64encode(b"sixteen bytes!!!").decode()
    kring.env["KRING_DATA_KEYS"] = f"k1:{short}"
    refused = kring.command("run", "--dev")
    assert refused.returncode == 2
    assert "KRING_DATA_KEYS" in refused.stderr and "16 bytes, not 32" in refused.stderr
    assert short not in refused.stderr
