"""docker-compose.yml really running, under podman, on a machine without Docker or a registry.

The images the compose file names cannot be pulled here, so the harness builds stand-ins for them
from Debian's packages (tests/containers/images) on a Debian bookworm base it makes with
debootstrap, and keeps them in podman's own image store between runs: each carries the hash of
its recipe as a label, and a changed recipe is built again. The Kring image is the real
deploy/Dockerfile, built on the Python stand-in; podman's layer cache makes that quick when
nothing changed. Then podman-compose runs the real docker-compose.yml with
tests/containers/compose.override.yml, which only swaps those images and moves host ports.

Two things docker compose does that podman (4.3, without systemd) does not, the harness does:
- health checks: podman runs them from systemd timers, and there is no systemd here, so the
  harness runs `podman healthcheck run` itself while it waits;
- `depends_on: condition: service_healthy`: podman-compose ignores the condition on podman
  older than 4.6 (it warns and starts everything at once), so the harness starts the stack in
  the order of the conditions, each group once the one before it is healthy.

Every podman call gets the project's own containers.conf (deploy/podman/containers.conf).
"""
import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS_CONF = ROOT / "deploy/podman/containers.conf"
COMPOSE_FILE = ROOT / "docker-compose.yml"
OVERRIDE_FILE = ROOT / "tests/containers/compose.override.yml"
RECIPES = ROOT / "tests/containers/images"
STANDIN = "localhost/kring-standin"
BASE_IMAGE = f"{STANDIN}/debian:bookworm"
# the stand-in for each image the compose file (or deploy/Dockerfile's BASE) names
STANDINS = {"python": "3.11-slim", "rabbitmq": "3.13-management", "postgres": "16",
            "mailpit": "v1.21", "nginx": "1.27-alpine"}
KRING_IMAGE = "localhost/kring:latest"  # docker-compose.yml's image: kring:latest
RECIPE_LABEL = "org.kring.recipe"
PROJECT = "kring-containers-test"  # containers, network and volumes are named after it
# the order docker-compose.yml's depends_on conditions give: each group once the last is healthy
START_ORDER = (("rabbitmq", "postgres", "mailpit"),
               ("referral", "matching", "casework", "aftercare", "notify", "portal"),
               ("gateway-certificate",),
               ("gateway",))
# run once and done (`condition: service_completed_successfully`): waited for until it exits 0
ONE_SHOT = {"gateway-certificate"}
# what the override file publishes on 127.0.0.1
GATEWAY_PORT = 18000
GATEWAY_TLS_PORT = 18443
MAIL_PORT = 18025
# one run at a time on a machine: the project name, the host ports and the image tags are fixed
LOCK_FILE = Path("/var/tmp/kring-containers-test.lock")
SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
# written into the base before it is imported: no service starts while a package installs
# (there is no init in a container), no recommended packages, no apt lists left in a layer
BASE_FILES = {
    "usr/sbin/policy-rc.d": "#!/bin/sh\nexit 101\n",
    "etc/apt/apt.conf.d/90kring-standin": 'APT::Install-Recommends "false";\n'
                                          'APT::Install-Suggests "false";\n',
}


class RuntimeMissing(Exception):
    """This machine cannot run the container stack; the message says what to do."""


def environment(**extra):
    return {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF), **extra}


def run(command, timeout=900, check=True, **kwargs):
    """A command with the project's containers.conf; its output in the error when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                            env=kwargs.pop("env", environment()), **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"`{' '.join(map(str, command))}` failed ({result.returncode}):\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def podman(*args, **kwargs):
    return run(["podman", *args], **kwargs)


def podman_compose():
    """The podman-compose installed with the tests (pyproject.toml), next to this Python."""
    return str(Path(sys.executable).parent / "podman-compose")


def check_runtime():
    """Raise RuntimeMissing, saying why, unless podman, podman-compose and debootstrap can work."""
    missing = [tool for tool in ("podman", "runc", "debootstrap") if not shutil.which(tool)]
    if missing:
        raise RuntimeMissing(f"{', '.join(missing)} not installed: `make test` installs them "
                             f"(scripts/ensure_services.py --containers), or run "
                             f"`apt-get install -y podman runc debootstrap` as root")
    if not Path(podman_compose()).exists():
        raise RuntimeMissing(f"{podman_compose()} not installed: `make .venv/.installed`")
    info = run(["podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"], check=False)
    if info.returncode != 0 or info.stdout.strip() != "runc":
        raise RuntimeMissing(f"podman cannot start with {CONTAINERS_CONF} (it must run as root, "
                             f"with the runc runtime): {info.stderr.strip() or info.stdout}")


@contextlib.contextmanager
def one_run_at_a_time():
    """Wait until no other test run on this machine holds the stack, then hold it."""
    with open(LOCK_FILE, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- images -------------------------------------------------------------------------------------

def debian_mirror():
    """The Debian mirror apt uses on this machine (it is reachable), else deb.debian.org."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        text = path.read_text(errors="replace") if path.is_file() else ""
        for url in re.findall(r"(?:^deb\s+(?:\[[^]]*\]\s+)?|^URIs:\s*)(\S+)", text, re.M):
            if url.rstrip("/").endswith("/debian"):
                return url.rstrip("/")
    return DEFAULT_MIRROR


def recipe_hash(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def folder_hash(folder):
    return recipe_hash(*(item for path in sorted(folder.rglob("*")) if path.is_file()
                         for item in (str(path.relative_to(folder)), path.read_bytes())))


def label_of(image):
    """The recipe label of a stored image, or None when there is no such image."""
    result = podman("image", "inspect", "--format", f'{{{{index .Labels "{RECIPE_LABEL}"}}}}',
                    image, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def base_recipe(mirror):
    return recipe_hash("debootstrap --variant=minbase", SUITE, mirror,
                       *(item for pair in sorted(BASE_FILES.items()) for item in pair))


def ensure_base(log):
    """localhost/kring-standin/debian:bookworm from debootstrap, unless it is there already."""
    mirror = debian_mirror()
    recipe = base_recipe(mirror)
    if label_of(BASE_IMAGE) == recipe:
        return recipe
    log(f"building {BASE_IMAGE} with debootstrap from {mirror}")
    with tempfile.TemporaryDirectory(dir="/var/tmp", prefix="kring-debootstrap-") as work:
        root = Path(work) / "root"
        run(["debootstrap", "--variant=minbase", SUITE, str(root), mirror], timeout=1200)
        for name, text in BASE_FILES.items():
            (root / name).write_text(text)
            (root / name).chmod(0o755 if name.startswith("usr/sbin/") else 0o644)
        shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
        (root / "var/cache/apt/archives/partial").mkdir(parents=True)
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        run(["podman", "import", "--change", f"LABEL {RECIPE_LABEL}={recipe}",
             "--change", 'CMD ["/bin/bash"]', "-", BASE_IMAGE], stdin=tar.stdout)
        tar.stdout.close()
        if tar.wait() != 0:
            raise AssertionError("tar of the debootstrap root failed")
    return recipe


def standin(name):
    return f"{STANDIN}/{name}:{STANDINS[name]}"


def ensure_standins(log):
    """Every stand-in image, each built again only when its recipe (or the base) changed."""
    base = ensure_base(log)
    for name in STANDINS:
        recipe = recipe_hash(base, folder_hash(RECIPES / name))
        if label_of(standin(name)) == recipe:
            continue
        log(f"building {standin(name)}")
        podman("build", "--label", f"{RECIPE_LABEL}={recipe}", "--tag", standin(name),
               str(RECIPES / name), timeout=1200)


def pip_mounts():
    """The machine's global pip configuration and its CA certificates, read-only, for a build:
    on the test machine pip reaches the package index only through them."""
    mounts = []
    for path in (os.environ.get("PIP_CONFIG_FILE"), "/etc/pip.conf", "/etc/ssl/certs"):
        if path and Path(path).exists() and f"{path}:{path}:ro" not in mounts:
            mounts += ["--volume", f"{path}:{path}:ro"]
    return mounts


def build_kring(log):
    """The real deploy/Dockerfile, on the Python stand-in (podman's layer cache keeps it quick)."""
    log(f"building {KRING_IMAGE} from deploy/Dockerfile")
    podman("build", "--build-arg", f"BASE={standin('python')}", *pip_mounts(),
           "--file", str(ROOT / "deploy/Dockerfile"), "--tag", KRING_IMAGE, str(ROOT),
           timeout=1200)


# --- the stack ----------------------------------------------------------------------------------

class Stack:
    """The compose project PROJECT: started, watched, broken and taken down."""

    def __init__(self, secret, log=print):
        self.secret = secret
        self.log = log
        self.gateway = f"http://127.0.0.1:{GATEWAY_PORT}"
        self.gateway_tls = f"https://127.0.0.1:{GATEWAY_TLS_PORT}"
        self.mail = f"http://127.0.0.1:{MAIL_PORT}"

    def compose(self, *args, timeout=600, check=True):
        return run([podman_compose(), "--project-name", PROJECT, "--file", str(COMPOSE_FILE),
                    "--file", str(OVERRIDE_FILE), *args], timeout=timeout, check=check,
                   cwd=ROOT, env=environment(KRING_SECRET=self.secret))

    def up(self, timeout=300):
        """Start the stack group by group (START_ORDER), each healthy before the next starts."""
        for group in START_ORDER:
            self.compose("up", "--detach", "--no-build", *group)
            if set(group) <= ONE_SHOT:
                self.wait_done(group, timeout)
            else:
                self.wait_healthy(group, timeout)

    def wait_done(self, services, timeout):
        """Each of `services` has run to its end with exit code 0."""
        for service in services:
            state = eventually(lambda: self._exited(service), timeout=timeout,
                               what=f"{service} to run to its end")
            assert state["ExitCode"] == 0, f"{service} failed:\n{self.logs(service)}"

    def _exited(self, service):
        state = self.inspect(service)["State"]
        return state if state["Status"] == "exited" else None

    def down(self):
        """Containers, network and volumes of PROJECT removed (of nothing else)."""
        self.compose("down", "--volumes", "--timeout", "10", check=False)

    def leftovers(self):
        """What of PROJECT is still there: containers, volumes, networks, pods."""
        label = f"label=io.podman.compose.project={PROJECT}"
        found = []
        for kind, args in (("container", ("ps", "--all")), ("volume", ("volume", "ls")),
                           ("network", ("network", "ls")), ("pod", ("pod", "ps"))):
            names = podman(*args, "--filter", label, "--format", "{{.Name}}" if kind != "container"
                           else "{{.Names}}", check=False).stdout.split()
            found += [f"{kind} {name}" for name in names]
        return found

    def containers(self):
        """{service: container name} of the running project."""
        listed = json.loads(podman("ps", "--all", "--format", "json", "--filter",
                                   f"label=io.podman.compose.project={PROJECT}").stdout or "[]")
        return {item["Labels"]["com.docker.compose.service"]: item["Names"][0] for item in listed}

    def inspect(self, service):
        return json.loads(podman("inspect", self.containers()[service]).stdout)[0]

    def healthy(self, services):
        """Those of `services` whose container runs and passes its health check (if it has
        one) now; the checks run side by side."""
        names = self.containers()
        checks = {}
        for service in services:
            state = json.loads(podman("inspect", names[service]).stdout)[0]
            if state["State"]["Status"] != "running":
                continue
            checks[service] = subprocess.Popen(
                ["podman", "healthcheck", "run", names[service]], env=environment(),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) \
                if state["Config"].get("Healthcheck") else None
        return {service for service, check in checks.items()
                if check is None or check.wait(timeout=60) == 0}

    def wait_healthy(self, services, timeout):
        deadline = time.monotonic() + timeout
        waiting = list(services)
        while waiting:
            passed = self.healthy(waiting)
            waiting = [service for service in waiting if service not in passed]
            if waiting and time.monotonic() > deadline:
                raise AssertionError(f"not healthy after {timeout} s: {', '.join(waiting)}\n"
                                     + "\n".join(self.logs(service) for service in waiting))
            if waiting:
                time.sleep(1)  # a health check takes a moment to pass; ask again

    def logs(self, service, lines=40):
        result = podman("logs", "--tail", str(lines), self.containers()[service], check=False)
        return f"--- {service} ---\n{result.stdout}{result.stderr}"

    def login_link(self, org, role, subject):
        """`kring login-link` run in the portal's container: the link it prints."""
        return podman("exec", self.containers()["portal"], "kring", "login-link", "--org", org,
                      "--role", role, "--subject", subject).stdout.strip()

    def main_pid(self, service):
        """The container's PID 1 as the host sees it (0 while it is not running)."""
        return self.inspect(service)["State"]["Pid"]

    def restarts(self, service):
        return self.inspect(service)["RestartCount"]


def gateway_certificate(stack, folder):
    """The gateway's certificate as a file in `folder`, read out of the running gateway: what a
    client is told to trust."""
    path = Path(folder) / "gateway.crt"
    path.write_text(podman("exec", stack.containers()["gateway"], "cat",
                           "/etc/nginx/tls/tls.crt").stdout)
    return path
