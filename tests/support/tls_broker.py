"""A RabbitMQ node of the test's own that speaks only AMQP over TLS (amqps), on ports of its
own: the machine's shared broker stays as it is. It is the same rabbitmq-server the machine
runs, given its own node name, configuration, data folder and certificate
(tests.support.tls), and it is stopped and removed with everything it wrote."""
import os
import select
import shutil
import signal
import uuid
from pathlib import Path

from nameko.testing.utils import find_free_port

from tests.support.processes import ServerOfItsOwn, let_others_through

READY_LINE = "Starting broker... completed"
START_TIMEOUT_SECONDS = 120

CONFIG = """\
listeners.tcp = none
listeners.ssl.default = 127.0.0.1:{port}
ssl_options.cacertfile = {certificates.ca_file}
ssl_options.certfile = {certificates.cert_file}
ssl_options.keyfile = {certificates.key_file}
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
loopback_users = none
"""


class TlsBroker(ServerOfItsOwn):
    name, ready_line, start_seconds = "the TLS broker", READY_LINE, START_TIMEOUT_SECONDS

    def __init__(self, folder, certificates):
        super().__init__()
        self.folder = Path(folder)
        self.certificates = certificates
        self.port = find_free_port()
        self.node = f"kring-tls-{uuid.uuid4().hex[:8]}@localhost"

    @property
    def amqp_uri(self):
        return f"amqps://guest:guest@localhost:{self.port}/"

    def _environment(self):
        return dict(os.environ, RABBITMQ_NODENAME=self.node,
                    RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                    RABBITMQ_DIST_PORT=str(find_free_port()),
                    RABBITMQ_CONFIG_FILE=str(self.folder / "rabbitmq"),
                    RABBITMQ_MNESIA_BASE=str(self.folder / "mnesia"),
                    RABBITMQ_LOG_BASE=str(self.folder / "log"),
                    RABBITMQ_ENABLED_PLUGINS_FILE=str(self.folder / "enabled_plugins"),
                    RABBITMQ_PID_FILE=str(self.folder / "node.pid"),
                    HOME=str(self.folder))  # its own Erlang cookie

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "rabbitmq.conf").write_text(
            CONFIG.format(port=self.port, certificates=self.certificates))
        (self.folder / "enabled_plugins").write_text("[].\n")
        for made_by_the_server in ("mnesia", "log"):  # made here, so the server's user owns them
            (self.folder / made_by_the_server).mkdir(exist_ok=True)
        if os.geteuid() == 0:  # the server drops to the rabbitmq user: it must own its files
            shutil.chown(self.folder, "rabbitmq", "rabbitmq")
            for path in self.folder.rglob("*"):
                shutil.chown(path, "rabbitmq", "rabbitmq")
            for path in (self.certificates.ca_file, self.certificates.cert_file,
                         self.certificates.key_file):
                path.chmod(0o644)
                let_others_through(path.parent)
            let_others_through(self.folder.parent)
        if shutil.which("rabbitmq-server") is None:
            raise AssertionError("rabbitmq-server is not installed: `apt-get install "
                                 "rabbitmq-server` (make test's scripts/ensure_services.py "
                                 "needs it too)")
        self._start(["rabbitmq-server"], env=self._environment())
        return self


    def stop(self):
        """Debian's rabbitmq-server starts the node through `su`, whose child leaves the process
        group the group signal reaches: the node is stopped by the pid it wrote, too, and
        waited for (a node left running kept its ports and memory after every run)."""
        node = self._node_pid()
        super().stop()
        if node is not None:
            _stop_and_wait(node, timeout=60)

    def _node_pid(self):
        try:
            return int((self.folder / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return None


def _stop_and_wait(pid, timeout):
    """SIGTERM to `pid`, then wait for it to end (a pidfd says when, no polling); SIGKILL after
    `timeout` seconds."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        os.kill(pid, signal.SIGTERM)
        if not select.select([handle], [], [], timeout)[0]:
            os.kill(pid, signal.SIGKILL)
            select.select([handle], [], [], timeout)
    except ProcessLookupError:
        pass
    finally:
        os.close(handle)
