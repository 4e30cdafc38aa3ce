"""Real processes the tests start: `kring run` and an SMTP server (aiosmtpd) on loopback.

Readiness is read from what each process prints, not guessed with sleeps.
"""
import mailbox
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from nameko.testing.utils import find_free_port

from tests.support import ROOT
from tests.support.directory import TEST_DIRECTORY

KRING = str(Path(sys.executable).parent / "kring")


def clean_env(**extra):
    """This process's environment without any KRING_ variable, plus the tests' provider
    directory (tests/support/directory.py) and `extra`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KRING_")}
    env["KRING_DIRECTORY"] = str(TEST_DIRECTORY)
    env.update(extra)
    return env


class _Process:
    ready_line = ""

    def __init__(self):
        self.process = None
        self.log = []

    def _start(self, command, env=None, **popen):
        self.process = subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, **popen)
        for line in self.process.stdout:  # blocks on the next line: no polling, no sleeping
            self.log.append(line)
            if self.ready_line in line:
                break
        else:
            raise AssertionError(f"{command[0]} exited before it was ready:\n"
                                 + "".join(self.log))
        # keep draining its output, or a full pipe would stall it
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self, timeout=30):
        """SIGTERM, and its exit code once it has finished what it was doing."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self._drainer.join(timeout=timeout)  # its last words are in the log
        return code

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def let_others_through(folder):
    """Let a server's own user (rabbitmq, postgres) pass through `folder` and the folders above
    it: pytest's temporary folders are private to the user that runs the tests."""
    for path in (folder, *folder.parents):
        path.chmod(path.stat().st_mode | 0o005)


class ServerOfItsOwn:
    """A server a test starts in a process group of its own (a RabbitMQ node, a PostgreSQL):
    ready once it prints `ready_line`, given `start_seconds` at most; stopped with
    `stop_signal` to the whole group, then SIGKILL if it takes over a minute."""
    name, ready_line, start_seconds, stop_signal = "server", "", 120, signal.SIGTERM

    def __init__(self):
        self.process = None
        self.log = []

    def _start(self, command, **popen):
        self.process = subprocess.Popen(command, text=True, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        **popen)
        timer = threading.Timer(self.start_seconds, self.stop)  # a hung start fails the test
        timer.start()
        try:
            for line in self.process.stdout:  # blocks on the next line: no polling
                self.log.append(line)
                if self.ready_line in line:
                    break
            else:
                raise AssertionError(f"{self.name} did not start:\n" + "".join(self.log))
        finally:
            timer.cancel()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class RunningKring(_Process):
    """`kring run ARGS` with `env`; ready once it logs that it is running."""
    ready_line = "Kring is running"

    def __init__(self, args, env):
        super().__init__()
        self.args, self.env = args, env

    def start(self):
        self.log.clear()
        self._start([KRING, "run", *self.args], self.env)
        return self


class RunningMake(_Process):
    """`make run` in the repository with `env`, in a session (a process group) of its own, as
    a terminal or a container runs it: a signal to the group reaches make and kring at once.
    Ready once kring logs that it is running."""
    ready_line = "Kring is running"

    def __init__(self, env):
        super().__init__()
        self.env = env

    def start(self):
        self._start(["make", "--no-print-directory", "-C", str(ROOT), "run"], self.env,
                    start_new_session=True)
        return self

    def signal_group(self, signum):
        os.killpg(self.process.pid, signum)

    def group_gone(self):
        """make has exited (and is reaped) and no process of its group is left."""
        if self.process.poll() is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return True
        return False

    def output(self, timeout=30):
        """Everything the group printed, once it has all been read (the group is gone)."""
        self._drainer.join(timeout=timeout)
        return "".join(self.log)

    def kill(self):
        """SIGKILL to whatever is left of the group."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


class SmtpServer(_Process):
    """aiosmtpd on loopback, delivering every message into a Maildir; `handler` names another
    Mailbox class (tests.support.smtp_handlers) for a server that misbehaves."""
    ready_line = "Server is listening"

    def __init__(self, folder, port=None, handler="aiosmtpd.handlers.Mailbox", tls=None,
                 certificates=None):
        super().__init__()
        self.folder = Path(folder)
        self.port = port or find_free_port()
        self.handler = handler
        # None: plain SMTP only; "starttls": STARTTLS offered and required before any mail;
        # "tls": SMTPS, TLS from the first byte. `certificates`: tests.support.tls
        self.tls, self.certificates = tls, certificates

    def _tls_arguments(self):
        if self.tls is None:
            return []
        flag = {"starttls": "--tls", "tls": "--smtps"}[self.tls]
        return [f"{flag}cert", str(self.certificates.cert_file),
                f"{flag}key", str(self.certificates.key_file)]

    def start(self):
        self._start([sys.executable, "-m", "aiosmtpd", "-n", "-d", "-l",
                     f"127.0.0.1:{self.port}", *self._tls_arguments(), "-c", self.handler,
                     str(self.folder)],
                    env=dict(os.environ, PYTHONPATH=str(ROOT)))  # the handlers in tests/support/
        return self

    def messages(self):
        return list(mailbox.Maildir(str(self.folder), create=True))


class LoginSmtpServer(SmtpServer):
    """A mail server that takes mail only after STARTTLS and a login as `user`/`password`."""

    def __init__(self, folder, certificates, user, password):
        super().__init__(folder, tls="starttls", certificates=certificates)
        self.user, self.password = user, password

    def start(self):
        self._start([sys.executable, "-m", "tests.support.smtp_auth", str(self.port),
                     str(self.folder), str(self.certificates.cert_file),
                     str(self.certificates.key_file), self.user, self.password],
                    env=dict(os.environ, PYTHONPATH=str(ROOT)))
        return self


@contextmanager
def broker_stopped():
    """`rabbitmqctl stop_app` for the block; the broker is always started again after it."""
    subprocess.run(["rabbitmqctl", "stop_app"], check=True, capture_output=True)
    try:
        yield
    finally:
        subprocess.run(["rabbitmqctl", "start_app"], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "await_startup"], check=True, capture_output=True)
