"""docker-compose.yml runs: every service healthy, a referral walked through the gateway to
`closed` with its notices in the mail catcher, the portal in its own container behind the same
gateway (its CSS, a sign-in link of `kring login-link`, pages that call the services' API), a killed service brought back by its restart
policy with nothing lost, and the project gone afterwards.

Podman runs it here (README "With podman instead of Docker"; tests/support/containers.py); the
first run builds the images (a few minutes), later runs reuse them. A machine that cannot run
containers fails these tests, saying why: they are not skipped.
"""
import os
import signal
from urllib.parse import urlsplit

import pytest
import requests

from kring.client import COORDINATING_ORG
from tests.support import containers
from tests.support.portal import Person
from tests.support.fault import SUPPORTER
from tests.support.sample import referral_body
from tests.support.waiting import eventually
from tests.support.walker import Walker

SECRET = "a-compose-test-secret-of-more-than-32-characters"
WALK_SECONDS = 180
NOTICE_SECONDS = 120
KILLED = "matching"  # takes referrals from the broker: what it had not taken must wait for it


def log(line):
    print(f"[containers] {line}", flush=True)


@pytest.fixture(scope="module")
def stack():
    try:
        containers.check_runtime()
    except containers.RuntimeMissing as exc:
        pytest.fail(f"the container stack cannot run on this machine: {exc}", pytrace=False)
    with containers.one_run_at_a_time():
        containers.ensure_standins(log)
        containers.build_kring(log)
        running = containers.Stack(SECRET, log)
        running.down()  # what a run cut short left behind
        try:
            running.up()
            yield running
        finally:
            running.down()


def walker(stack):
    return Walker(stack.gateway, SECRET)


def notices_of(stack, referral_id):
    """The kinds of notice the mail catcher holds for the referral (X-Kring-Notice)."""
    listing = requests.get(f"{stack.mail}/api/v1/messages", timeout=10).json()["messages"]
    kinds = []
    for message in listing:
        headers = requests.get(f"{stack.mail}/api/v1/message/{message['ID']}/headers",
                               timeout=10).json()
        if headers.get("X-Kring-Referral") == [referral_id]:
            kinds += headers["X-Kring-Notice"]
    return sorted(kinds)


def walked_to_closed_with_both_notices(stack, client, referral_id):
    assert client.walk([referral_id], timeout=WALK_SECONDS) == [], client.errors[-5:]
    view = client.referral(referral_id)
    assert view["status"] == "closed", view
    eventually(lambda: notices_of(stack, referral_id) == ["closure", "start"],
               timeout=NOTICE_SECONDS, what=f"the start and closure notices of {referral_id}")


def test_every_service_runs_healthy_behind_the_gateway(stack):
    assert set(stack.containers()) == {service for group in containers.START_ORDER
                                       for service in group}
    # each health check run again now; one may miss its 3 seconds on a busy machine, so each
    # gets a minute to pass, as the runtime's own retries would give it
    stack.wait_healthy([service for service in stack.containers()
                        if service not in containers.ONE_SHOT], timeout=60)
    health = requests.get(f"{stack.gateway}/api/v1/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_the_gateway_serves_https_with_the_certificate_it_made_at_first_start(stack, tmp_path):
    trusted = containers.gateway_certificate(stack, tmp_path)
    # checked against that certificate, and its name against 127.0.0.1
    health = requests.get(f"{stack.gateway_tls}/api/v1/health", timeout=10, verify=str(trusted))
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["X-Request-Id"]
    with pytest.raises(requests.exceptions.SSLError):  # a client that trusts nothing of ours
        requests.get(f"{stack.gateway_tls}/api/v1/health", timeout=10)


def test_a_referral_walks_through_the_gateway_to_closed_with_both_notices(stack):
    client = walker(stack)
    client.call("POST", "/supporters", client.coordinator, SUPPORTER)
    referral_id = client.submit(referral_body("compose-walk"))
    walked_to_closed_with_both_notices(stack, client, referral_id)


def test_the_portal_answers_through_the_gateway_and_a_login_link_signs_in(stack):
    home = requests.get(f"{stack.gateway}/", timeout=10)
    assert home.status_code == 200, home.text
    assert home.headers["Content-Type"].startswith("text/html")
    assert home.headers["X-Request-Id"]  # the gateway's correlation id, answered back
    css = requests.get(f"{stack.gateway}/static/portal.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert "--utrecht" in css.text  # the built NL Design System file, not an empty one
    # nothing but the API and the portal's own paths is served
    assert requests.get(f"{stack.gateway}/metrics", timeout=10).status_code == 404

    client = walker(stack)
    referral_id = client.submit(referral_body("compose-portal"))
    person = Person(containers.GATEWAY_PORT, engine=None)
    try:
        link = stack.login_link(COORDINATING_ORG, "coordinator", "carla")
        path = urlsplit(link).path
        assert path.startswith("/login/")
        shown = person.get(path)  # whom it signs in as, and a button
        assert shown.status_code == 200 and "carla" in shown.text, shown.text
        signed_in = person.post(path, {})  # the button: a session, then the home page
        assert signed_in.status_code == 200 and "carla" in signed_in.text, signed_in.text
        # a page that asks the referral service (KRING_API_URL=http://{service}:8000)
        page = person.get(f"/referrals/{referral_id}")
        assert page.status_code == 200 and "compose-portal" in page.text, page.text
        queue = person.get("/queue")
        assert queue.status_code == 200, queue.text
        assert person.get(path).status_code == 410  # a link works once
    finally:
        person.close()


def test_a_killed_service_comes_back_by_its_restart_policy_and_nothing_is_lost(stack):
    client = walker(stack)
    client.call("POST", "/supporters", client.coordinator, SUPPORTER, accept=(200, 201, 409))
    before = stack.restarts(KILLED)
    pid = stack.main_pid(KILLED)
    assert pid > 0
    # submitted just before the kill: its event waits in matching's queue, or is redelivered
    # when matching dies holding it
    around = client.submit(referral_body("compose-kill"))
    os.kill(pid, signal.SIGKILL)  # not `podman kill`: podman skips the restart policy for that
    eventually(lambda: stack.restarts(KILLED) > before and stack.main_pid(KILLED) not in (0, pid),
               timeout=60, what=f"podman to restart {KILLED} by its restart policy")
    stack.wait_healthy([KILLED], timeout=120)
    after = client.submit(referral_body("compose-after-kill"))
    for referral_id in (around, after):
        walked_to_closed_with_both_notices(stack, client, referral_id)


def test_down_removes_the_projects_containers_network_and_volumes(stack):
    before = {thing.split()[0] for thing in stack.leftovers()}
    assert before >= {"container", "volume", "network"}  # what would be left is seen
    stack.down()
    assert stack.leftovers() == []
