"""Make sure the broker (and, for the tests, PostgreSQL, promtool and the container tools; for
the benchmark, nginx) are there before we run.

Standard library only: it runs before the virtual environment exists. Where this machine can
start or enable a service, or install a Debian package, it does; otherwise it stops with the
exact command to run.
"""
import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
WAIT_SECONDS = 90


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def management_answers(host, user, password):
    request = urllib.request.Request(f"http://{host}:15672/api/overview")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def wait_for(check, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(1)
    fail(f"{what} did not come up within {WAIT_SECONDS} s.")


def fail(message):
    sys.stderr.write(f"\n*** {message}\n\n")
    sys.exit(1)


def run(command):
    print(f"  running: {' '.join(command)}", flush=True)
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def ensure_rabbitmq():
    uri = urllib.parse.urlparse(os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    host, port = uri.hostname or "localhost", uri.port or 5672
    user, password = uri.username or "guest", uri.password or "guest"
    local = host in LOCAL_HOSTS
    if not answers(host, port):
        if not local:
            fail(f"RabbitMQ does not answer at {host}:{port} (AMQP_URI). Start that broker, "
                 "or unset AMQP_URI to use the local one.")
        if not shutil.which("rabbitmq-server"):
            fail("RabbitMQ is not installed. Install and start it:\n"
                 "    apt-get install -y rabbitmq-server && rabbitmq-server -detached")
        print(f"RabbitMQ is not answering on {host}:{port}; starting it.", flush=True)
        run(["rabbitmq-server", "-detached"])
        wait_for(lambda: answers(host, port), "RabbitMQ")
    if not management_answers(host, user, password):
        if not local:
            fail(f"The RabbitMQ management API does not answer at http://{host}:15672 "
                 "(the tests create a vhost per test through it). On the broker host run:\n"
                 "    rabbitmq-plugins enable rabbitmq_management")
        if not shutil.which("rabbitmq-plugins"):
            fail("Enable the RabbitMQ management plugin:\n"
                 "    rabbitmq-plugins enable rabbitmq_management")
        print("Enabling the RabbitMQ management plugin.", flush=True)
        run(["rabbitmq-plugins", "enable", "rabbitmq_management"])
        wait_for(lambda: management_answers(host, user, password), "The RabbitMQ management API")


def ensure_postgres():
    url = urllib.parse.urlparse(
        os.environ.get("KRING_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"))
    host, port = url.hostname or "127.0.0.1", url.port or 5432
    if answers(host, port):
        return
    clusters = "/etc/postgresql"
    if host in LOCAL_HOSTS and shutil.which("pg_ctlcluster") and os.path.isdir(clusters):
        print(f"PostgreSQL is not answering on {host}:{port}; starting it.", flush=True)
        for version in sorted(os.listdir(clusters)):
            run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
        wait_for(lambda: answers(host, port), "PostgreSQL")
        return
    fail(f"PostgreSQL does not answer at {host}:{port}. The tests run every service against it "
         "as well as SQLite. Start it (Debian: pg_ctlcluster <version> main start), or set "
         "KRING_TEST_POSTGRES to a server the tests may create databases on.")


def apt_install(packages, purpose):
    """Debian's `packages`, installed when the machine lets us (root, apt-get), tried again
    after `apt-get update` for a stale package list; otherwise stop and say the command."""
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    if not shutil.which("apt-get") or os.geteuid() != 0:
        fail(f"{purpose} need {', '.join(packages)}. Install them as root:\n"
             f"    apt-get update && {' '.join(command)}")
    print(f"Installing {', '.join(packages)}: {purpose} need them.", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(command, check=False, env=env).returncode != 0:
        run(["apt-get", "update"])
        if subprocess.run(command, check=False, env=env).returncode != 0:
            fail(f"`{' '.join(command)}` failed; {purpose} need these packages.")


def ensure_promtool():
    """The tests check deploy/prometheus/ with Prometheus's own promtool (Debian: prometheus)."""
    if not shutil.which("promtool"):
        apt_install(["prometheus"], "the checks of deploy/prometheus/ (promtool)")


# Debian's packages that run docker-compose.yml in the tests (tests/containers): podman with the
# runc runtime (deploy/podman/containers.conf) and debootstrap for the images' Debian base.
# podman-compose itself is a Python package, pinned with the tests' other ones.
CONTAINER_TOOLS = {"podman": "podman", "runc": "runc", "debootstrap": "debootstrap"}
# netavark and aardvark-dns: the network backend that lets one container find another by its
# service name (deploy/podman/containers.conf). podman only recommends them, and without them
# it falls back to CNI, whose networks answer no names ("could not translate host name").
# netavark sets up each network's NAT with iptables, which it only recommends too: without it
# every build step that runs fails with "netavark: No such file or directory".
CONTAINER_PACKAGES = ("netavark", "aardvark-dns", "iptables")


def ensure_container_tools():
    missing = sorted(package for tool, package in CONTAINER_TOOLS.items()
                     if not shutil.which(tool))
    if shutil.which("dpkg-query"):
        missing += [package for package in CONTAINER_PACKAGES if not _installed(package)]
    if missing:
        apt_install(missing, "the container tests")
    remove_stale_cni_bridge()


# The bridge a podman that ran with CNI left behind holds podman's default subnet (10.88.0.0/16)
# too: with it, the host routes netavark's replies into a dead interface, and builds and
# containers reach nothing outside ("Temporary failure in name resolution" inside a build).
STALE_CNI_BRIDGE = Path("/sys/class/net/cni-podman0")


def remove_stale_cni_bridge():
    if not STALE_CNI_BRIDGE.exists():
        return
    if os.geteuid() != 0:
        fail("A bridge left by podman's CNI networking, cni-podman0, takes the subnet the "
             "container tests' network needs. Remove it as root:\n    ip link delete cni-podman0")
    print("Removing cni-podman0, a bridge left by podman's CNI networking: netavark's "
          "network needs its subnet.", flush=True)
    run(["ip", "link", "delete", "cni-podman0"])


# Debian's packages that draw the families' leaflets as PDF (kring/leaflets): WeasyPrint (a
# Python package, pinned) shapes text with Pango and HarfBuzz and subsets the fonts it embeds
# with HarfBuzz, in the Noto fonts of Arabic script (Naskh), Ethiopic (Tigrinya), Latin and
# Cyrillic. deploy/Dockerfile installs the same.
LEAFLET_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b",
                    "libharfbuzz-subset0", "fonts-noto-core")


def ensure_leaflet_packages():
    if not shutil.which("dpkg-query"):
        return  # not Debian: WeasyPrint says what is missing when a PDF is asked for
    missing = [package for package in LEAFLET_PACKAGES if not _installed(package)]
    if missing:
        apt_install(missing, "the leaflets' PDFs")


def ensure_node():
    """Node and npm build the portal's static files from npm's registry (scripts/build_portal.py):
    Debian's, when this machine has none."""
    missing = [package for tool, package in (("node", "nodejs"), ("npm", "npm"))
               if not shutil.which(tool)]
    if missing:
        apt_install(missing, "the portal's static files (its CSS and htmx, from npm)")


def ensure_browser():
    """Debian's Chromium for the browser tests (tests/browser), driven by Playwright: never a
    browser of Playwright's own download."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        apt_install(["chromium"], "the browser tests (tests/browser)")


def ensure_nginx():
    """Debian's nginx, the gateway of bench/throughput.py's multi-process layouts (it falls
    back to bench/proxy.py without it); the tests do not need it."""
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        apt_install(["nginx"], "the benchmark's multi-process layouts (bench/README.md)")


def _installed(package):
    answer = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], check=False,
                            capture_output=True, text=True)
    return answer.returncode == 0 and answer.stdout.endswith(" installed")


if __name__ == "__main__":
    ensure_rabbitmq()
    ensure_leaflet_packages()
    if "--postgres" in sys.argv:
        ensure_postgres()
    if "--promtool" in sys.argv:
        ensure_promtool()
    if "--containers" in sys.argv:
        ensure_container_tools()
    if "--browser" in sys.argv:
        ensure_browser()
    if "--nginx" in sys.argv:
        ensure_nginx()
