"""The portal's pictures in the README (`make screenshots`): docs/images/portal-queue.png and
docs/images/portal-reports.png.

    .venv/bin/python scripts/screenshots.py

Kring runs as `make run` runs it (every service and the portal, development mode, the shipped
provider directory), on a free port, with a data directory of its own that is thrown away
after, and on a vhost of its own on the local RabbitMQ when its management API lets one be
made (so a `make run` beside it does not take its events). `kring demo` leaves its families at
every stage of the work queue; then Debian's Chromium (never a browser Playwright downloads)
signs in with one-time links of `kring login-link`, as the coordinator for the work queue and
as Utrecht's municipality for the reports, and takes each page whole.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
KRING = Path(sys.executable).parent / "kring"
MANAGEMENT = "http://localhost:15672/api"  # the local RabbitMQ's, as the tests use it
GUEST = ("guest", "guest")
READY_SECONDS = 120  # every service's schema, the broker's queues: the first start takes a while
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 900}
# (image, organisation, role, person, page): each a person of `kring demo`'s
PICTURES = (("portal-queue.png", "home-start-utrecht", "coordinator", "demo-coordinator",
             "/queue"),
            ("portal-reports.png", "GM0344", "municipality", "demo-municipality",
             "/reports?period=quarter"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def own_vhost():
    """An AMQP URI on a vhost made for this run (deleted after), or None when the broker's
    management API cannot make one: then the default broker, as `make run` uses it."""
    if os.environ.get("AMQP_URI"):
        yield None  # the caller chose a broker: use it as it is
        return
    vhost = f"kring-screenshots-{uuid.uuid4().hex[:8]}"
    try:
        requests.put(f"{MANAGEMENT}/vhosts/{vhost}", auth=GUEST, timeout=10).raise_for_status()
        requests.put(f"{MANAGEMENT}/permissions/{vhost}/guest", auth=GUEST, timeout=10, json={
            "configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
    except requests.RequestException as exc:
        print(f"screenshots: no vhost of its own ({exc}); on the broker's default one",
              flush=True)
        yield None
        return
    try:
        yield f"amqp://guest:guest@localhost:5672/{vhost}"
    finally:
        requests.delete(f"{MANAGEMENT}/vhosts/{vhost}", auth=GUEST, timeout=10)


@contextlib.contextmanager
def running_kring(environment):
    """`kring run --dev` of everything, until it answers ready; stopped with SIGTERM after."""
    process = subprocess.Popen([str(KRING), "run", "--dev"], cwd=ROOT, env=environment)
    url = f"http://127.0.0.1:{environment['KRING_HTTP_PORT']}/api/v1/ready"
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not ready(url):
            if process.poll() is not None:
                raise SystemExit(f"screenshots: kring run stopped ({process.returncode})")
            if time.monotonic() > deadline:
                raise SystemExit(f"screenshots: Kring not ready after {READY_SECONDS} s")
            time.sleep(0.5)  # a script's wait for a process it started, not a test's
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def ready(url):
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


def kring(environment, *args):
    """A `kring` command's standard output; its failure ends the script, saying why."""
    result = subprocess.run([str(KRING), *args], cwd=ROOT, env=environment, text=True,
                            capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"screenshots: kring {' '.join(args)} failed:\n{result.stdout}"
                         f"{result.stderr}")
    return result.stdout


def take(browser, environment, image, org, role, person, path):
    link = kring(environment, "login-link", "--org", org, "--role", role,
                 "--subject", person).strip()
    base = link.split("/login/", 1)[0]
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(link)
        page.locator("form[action^='/login/'] button").click()
        page.wait_for_url(f"{base}/")
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(IMAGES / image), full_page=True)
    finally:
        context.close()
    print(f"wrote docs/images/{image}", flush=True)


def main():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        raise SystemExit("screenshots: Debian's chromium is missing "
                         "(scripts/ensure_services.py --browser)")
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kring-screenshots-") as data, own_vhost() as amqp:
        port = free_port()
        environment = {**os.environ, "KRING_DATA_DIR": data, "KRING_HTTP_PORT": str(port),
                       "KRING_DIRECTORY": os.environ.get("KRING_DIRECTORY")
                       or str(ROOT / "examples" / "directory.json")}
        environment.pop("KRING_PORTAL_URL", None)  # the links lead to this run's own port
        if amqp:
            environment["AMQP_URI"] = amqp
        with running_kring(environment):
            print(kring(environment, "demo", "--url", f"http://127.0.0.1:{port}"), flush=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable,
                                                     args=CHROMIUM_ARGS)
                try:
                    for picture in PICTURES:
                        take(browser, environment, *picture)
                finally:
                    browser.close()


if __name__ == "__main__":
    main()
