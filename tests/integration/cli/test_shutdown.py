"""SIGTERM while referrals stream in: work in flight finishes, and nothing accepted is lost.

A real `kring run` takes submissions from several clients at once; it is told to stop in the
middle. Each client sees either an answer or a refused connection, never a 5xx, and after a
restart every referral that was answered 201 is there and travels on (matching received it).
"""
import threading

import requests
from nameko.testing.utils import find_free_port

from kring.config import DEVELOPMENT_SECRET
from kring.kit.auth import create_token
from tests.support.processes import RunningKring, clean_env
from tests.support.sample import referral_body
from tests.support.waiting import eventually

CLIENTS = 6


def submitter(base, token, number, answers, stop):
    with requests.Session() as http:
        sent = 0
        while not stop.is_set():
            sent += 1
            reference = f"TERM-{number}-{sent}"
            try:
                response = http.post(f"{base}/referrals", json=referral_body(reference),
                                     headers={"Authorization": f"Bearer {token}"}, timeout=30)
            except requests.ConnectionError:
                answers.append((reference, None, None))  # refused or cut: the client retries
                return
            answers.append((reference, response.status_code,
                            response.json().get("referral_id") if response.ok else None))


def test_sigterm_finishes_work_in_flight_and_loses_nothing(rabbit_config, tmp_path):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path))
    base = f"http://127.0.0.1:{port}/api/v1"
    referrer = create_token(DEVELOPMENT_SECRET, "huisarts-oost", "referrer", "anna", 600)
    coordinator = create_token(DEVELOPMENT_SECRET, "home-start-oost", "coordinator", "carla",
                               600)
    kring = RunningKring(["referral", "matching", "--dev"], env).start()
    answers, stop = [], threading.Event()
    clients = [threading.Thread(target=submitter, args=(base, referrer, n, answers, stop))
               for n in range(CLIENTS)]
    try:
        for client in clients:
            client.start()
        eventually(lambda: len(answers) >= 30, what="a stream of submissions")
        assert kring.stop(timeout=60) == 0, "".join(kring.log)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
        kring.kill()

    assert not [a for a in answers if a[1] is not None and a[1] >= 500], answers
    accepted = {reference: referral_id for reference, status, referral_id in answers
                if status == 201}
    assert len(accepted) >= 30

    kring = RunningKring(["referral", "matching", "--dev"], env).start()
    try:
        with requests.Session() as http:
            auth = {"Authorization": f"Bearer {coordinator}"}
            for reference, referral_id in accepted.items():
                shown = http.get(f"{base}/referrals/{referral_id}", headers=auth, timeout=30)
                assert shown.status_code == 200, (reference, shown.text)
            # matching heard of every one of them (409 not_ready until it has): an intake for each
            for referral_id in accepted.values():
                eventually(lambda: http.post(
                    f"{base}/intakes", headers=auth, timeout=30,
                    json={"referral_id": referral_id, "fits": False, "reason": "test"}
                ).status_code == 201, what=f"matching to know referral {referral_id}")
    finally:
        kring.kill()
