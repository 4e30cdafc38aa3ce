"""A PostgreSQL server of the test's own that takes connections over TLS only (pg_hba.conf:
`hostssl` trusted, `hostnossl` rejected), on a port of its own, with a certificate of the
test's CA (tests.support.tls): the machine's shared server stays as it is. Made with the
machine's own initdb and postgres, as the postgres user (PostgreSQL refuses to run as root)."""
import getpass
import glob
import os
import shutil
import signal
import subprocess
from pathlib import Path

from nameko.testing.utils import find_free_port

from tests.support.processes import ServerOfItsOwn, let_others_through

READY_LINE = "database system is ready to accept connections"
START_TIMEOUT_SECONDS = 60

HBA = """\
local     all all              trust
hostssl   all all 127.0.0.0/8  trust
hostnossl all all 0.0.0.0/0    reject
"""


def _binary(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found and shutil.which(name):
        found = [shutil.which(name)]
    if not found:
        raise AssertionError(f"PostgreSQL's {name} is not installed: `apt-get install "
                             "postgresql`")
    return found[-1]


class TlsPostgres(ServerOfItsOwn):
    name, ready_line, start_seconds = "the TLS PostgreSQL", READY_LINE, START_TIMEOUT_SECONDS
    stop_signal = signal.SIGINT  # postgres's "fast" shutdown

    def __init__(self, folder, certificates):
        super().__init__()
        self.folder = Path(folder)
        self.certificates = certificates
        self.port = find_free_port()
        self.owner = "postgres" if os.geteuid() == 0 else getpass.getuser()

    def url(self, sslmode="verify-full", host="127.0.0.1", database="postgres"):
        """Its URL; `host` 127.0.0.2 reaches it too, by a name its certificate does not hold."""
        return (f"postgresql://{self.owner}@{host}:{self.port}/{database}?sslmode={sslmode}"
                f"&sslrootcert={self.certificates.ca_file}")

    def _as_owner(self, command):
        return ["runuser", "-u", self.owner, "--", *command] if os.geteuid() == 0 else command

    def start(self):
        data = self.folder / "data"
        self.folder.mkdir(parents=True, exist_ok=True)
        key = self.folder / "server.key"
        shutil.copy(self.certificates.key_file, key)
        key.chmod(0o600)  # postgres refuses a key others can read
        if os.geteuid() == 0:
            shutil.chown(self.folder, self.owner)
            shutil.chown(key, self.owner)
            let_others_through(self.folder)
            for path in (self.certificates.cert_file, self.certificates.ca_file):
                path.chmod(0o644)
                let_others_through(path.parent)
        subprocess.run(self._as_owner([_binary("initdb"), "-D", str(data), "-A", "trust",
                                       "-U", self.owner]),
                       check=True, capture_output=True, text=True)
        (data / "pg_hba.conf").write_text(HBA)
        self._start(self._as_owner([_binary("postgres"), "-D", str(data), "-p", str(self.port),
                                    "-c", "listen_addresses=127.0.0.1,127.0.0.2",
                                    "-c", f"unix_socket_directories={self.folder}",
                                    "-c", "ssl=on",
                                    "-c", f"ssl_cert_file={self.certificates.cert_file}",
                                    "-c", f"ssl_key_file={key}", "-c", "fsync=off"]))
        return self
