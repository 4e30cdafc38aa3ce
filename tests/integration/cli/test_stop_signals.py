"""A stop always stops: `make run` told to stop by its process group, as a terminal, compose or
Kubernetes tells it, after it has handled traffic.

A signal to the group reaches make and kring at once, and make passes a SIGTERM on to kring:
kring may hear it twice, and an operator may press Ctrl-C twice. The second signal must not
start a second stop (it hung the process for ever once); make exits once kring has, and the
process group is gone a few seconds after the signal. README.md "Stopping".
"""
import signal

import pytest
import requests
from nameko.testing.utils import find_free_port

from kring.config import DEVELOPMENT_SECRET
from kring.kit.auth import create_token
from services.notify.content import file_name
from tests.support.events import publish_event
from tests.support.integration.notify import case_started, received
from tests.support.processes import RunningKring, RunningMake, SmtpServer, clean_env
from tests.support.sample import referral_body
from tests.support.smtp_handlers import MESSAGE_HELD
from tests.support.waiting import eventually

REFERRALS = 5
GONE_SECONDS = 10
HEARD = "kring: signal "  # the line kring logs for each signal it hears


@pytest.fixture
def make_run(rabbit_config, tmp_path):
    port = find_free_port()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(port),
                    KRING_DATA_DIR=str(tmp_path), KRING_NOTIFY_SWEEP_SECONDS="0.5")
    running = RunningMake(env).start()
    running.base = f"http://127.0.0.1:{port}/api/v1"
    running.notices = tmp_path / "notices"
    yield running
    running.kill()


def handle_traffic(running):
    """Referrals submitted, taken in by a coordinator (declined: they do not fit), and closed:
    every service has worked, and notify has written each closure notice."""
    referrer = create_token(DEVELOPMENT_SECRET, "huisarts-oost", "referrer", "anna", 600)
    coordinator = create_token(DEVELOPMENT_SECRET, "home-start-oost", "coordinator", "carla",
                               600)
    with requests.Session() as http:
        submitted = []
        for number in range(REFERRALS):
            answer = http.post(f"{running.base}/referrals", timeout=30,
                               json=referral_body(f"STOP-{number}"),
                               headers={"Authorization": f"Bearer {referrer}"})
            assert answer.status_code == 201, answer.text
            submitted.append(answer.json()["referral_id"])
        for referral_id in submitted:
            eventually(lambda: http.post(
                f"{running.base}/intakes", timeout=30,
                headers={"Authorization": f"Bearer {coordinator}"},
                json={"referral_id": referral_id, "fits": False, "reason": "test"},
            ).status_code == 201, what=f"matching to know referral {referral_id}")
    for referral_id in submitted:
        eventually(lambda: (running.notices / file_name(referral_id, "closure")).exists(),
                   what=f"the closure notice of {referral_id}")


def stops(running, *signals):
    """Each signal to the group once kring has logged that it heard the one before, as when
    make passes it on or an operator presses Ctrl-C again: signals that came at the very same
    moment would reach the process as one."""
    for heard, signum in enumerate(signals):
        running.signal_group(signum)
        eventually(lambda: "".join(running.log).count(HEARD) > heard,
                   what=f"kring to hear signal {signum}")
    try:
        eventually(lambda: running.process.poll() is not None, timeout=GONE_SECONDS,
                   what="make to exit")
    except AssertionError:
        raise AssertionError("".join(running.log)) from None
    # make waits for kring (its own child, not a shell's): once make is gone, so is kring
    assert running.group_gone(), running.output()
    return running.output()


def test_sigterm_twice_to_the_group_after_traffic_stops_it(make_run):
    handle_traffic(make_run)
    log = stops(make_run, signal.SIGTERM, signal.SIGTERM)
    assert "already stopping" in log
    assert "Trying to re-send() an already-triggered event" not in log
    assert "kring: stopped" in log


def test_sigterm_once_to_the_group_after_traffic_stops_it(make_run):
    handle_traffic(make_run)
    log = stops(make_run, signal.SIGTERM)
    assert "kring: stopped" in log


def test_sigint_as_from_a_terminal_stops_it_once_or_twice(make_run):
    handle_traffic(make_run)
    log = stops(make_run, signal.SIGINT, signal.SIGINT)
    assert "kring: stopped" in log


def test_a_stop_held_up_past_its_deadline_exits_anyway_and_says_so(rabbit_config, tmp_path):
    """notify's worker waits for a mail server that holds its message (up to the SMTP
    timeout): the stop waits for it, until KRING_STOP_SECONDS is up."""
    smtp = SmtpServer(tmp_path / "maildir",
                      handler="tests.support.smtp_handlers.HoldsTheFirst").start()
    env = clean_env(AMQP_URI=rabbit_config["AMQP_URI"], KRING_HTTP_PORT=str(find_free_port()),
                    KRING_DATA_DIR=str(tmp_path), KRING_SMTP_HOST="127.0.0.1",
                    KRING_SMTP_PORT=str(smtp.port), KRING_STOP_SECONDS="1")
    kring = RunningKring(["notify", "--dev"], env).start()
    try:
        referral_id = "1a2b3c4d-0000-4000-8000-00000000000f"
        for event in (received(referral_id), case_started(referral_id)):
            publish_event(rabbit_config["AMQP_URI"], event)
        eventually(lambda: (tmp_path / f"maildir{MESSAGE_HELD}").exists(),
                   what="the server to hold the start notice")
        assert kring.stop(timeout=GONE_SECONDS) == 1  # SIGTERM, then its exit status
        assert "not stopped within 1 s of the signal: exiting now" in "".join(kring.log)
    finally:
        kring.kill()
        smtp.kill()
