"""Where a notice goes: an SMTP server (KRING_SMTP), or else an .eml file per notice.

Both are called outside any database transaction, and both are safe to repeat: a resend
carries the same Message-ID, and a rewritten file replaces the earlier one.

Both call `accepted(location)` the moment the notice is out of our hands (the server's reply
to the end of the message; the file in place) and before anything else: the caller marks and
records the notice as sent there (services.notify.marks). A crash after the server took a mail
and before that mark mails it twice, because a mail server and our disk cannot commit
together; so nothing may stand in between, not even the goodbye.
"""
import os
import smtplib
import ssl
import uuid
from pathlib import Path

from eventlet.patcher import original
from nameko.extensions import DependencyProvider

from kring.config import DATA_DIR_KEY, DEFAULT_DATA_DIR, SMTP_KEY
from kring.kit.crypto import seal_file
from services.notify.content import NOTICE_FILES
from services.notify.domain import DEFAULT_SENDER

_blocking_select = original("select")  # eventlet's is green: it would let others run

SMTP_TIMEOUT_SECONDS = 10  # per exchange; five of them stay below domain.CLAIM_SECONDS
GOODBYE_TIMEOUT_SECONDS = 2  # the mail is taken by then: no reason to wait long for QUIT
# How long the whole process may stand still for the server's verdict on a message: a local
# or nearby server answers in a few milliseconds; a slower one gets the ordinary wait after.
VERDICT_WAIT_SECONDS = 0.25


class SmtpTransport:
    """One connection per notice. `tls` is "none", "starttls" (required: a server that does not
    offer it gets nothing, and the notice is tried again later) or "tls" (SMTPS from the first
    byte); the server's certificate is checked against `ca_file`, or the system's CAs, and its
    name against `host`. A login, when configured, only ever happens over TLS."""
    channel = "smtp"

    def __init__(self, host, port, sender, timeout=SMTP_TIMEOUT_SECONDS, tls="none",
                 ca_file=None, username=None, password=None):
        self.host, self.port, self.sender, self.timeout = host, int(port), sender, timeout
        self.tls, self.username, self.password = tls, username, password
        self.context = ssl.create_default_context(cafile=ca_file) if tls != "none" else None

    def _connect(self):
        if self.tls == "tls":
            return _VerdictFirstOverTls(self.host, self.port, timeout=self.timeout,
                                        context=self.context)
        smtp = _VerdictFirst(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            try:
                smtp.starttls(context=self.context)  # raises when the server does not offer it
            except BaseException:
                smtp.close()
                raise
        return smtp

    def deliver(self, message, _file_name, accepted):
        """Hand the message to the server; raises on any refusal before it took the message
        (the caller retries later), and never for the goodbye after it."""
        smtp = self._connect()
        try:
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
            accepted(f"{self.host}:{self.port}")
        finally:
            _goodbye(smtp)


class _VerdictFirst(smtplib.SMTP):
    """smtplib's client, except that after the end of a message it waits for the server's
    verdict without letting the rest of the process run (VERDICT_WAIT_SECONDS at most).

    Under eventlet a read that has to wait lets every other green thread that is ready run
    first: on a busy process the server's acceptance then lay unread for tens of milliseconds
    before notify could mark it, and a crash in that time mails the notice twice. Once the
    reply is there, reading it and the mark that follows yield to nothing.
    """

    _message_ended = False

    def send(self, s):
        super().send(s)
        self._message_ended = isinstance(s, bytes) and s.endswith(b"\r\n.\r\n")

    def getreply(self):
        if self._message_ended and self.sock is not None:
            self._message_ended = False
            poller = _blocking_select.poll()
            poller.register(self.sock.fileno(), _blocking_select.POLLIN)
            poller.poll(VERDICT_WAIT_SECONDS * 1000)
        return super().getreply()


class _VerdictFirstOverTls(_VerdictFirst, smtplib.SMTP_SSL):
    """The same, over SMTPS (TLS from the first byte, usually port 465)."""


class FileTransport:
    """<KRING_DATA_DIR>/notices/<referral_id>-<kind>.eml, written whole or not at all, sealed
    under the data keys like the databases' family data (the referrer's address and the
    referral's progress are in it): handlers.read_notice_file opens one, `kring notices
    REFERRAL_ID --mail` shows it."""
    channel = "file"

    def __init__(self, folder, sender=DEFAULT_SENDER):
        self.folder, self.sender = Path(folder), sender

    def deliver(self, message, file_name, accepted):
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / file_name
        # a reader (or a crash) never sees half a file: write aside, then rename over
        temporary = self.folder / f".{file_name}.{uuid.uuid4().hex}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(seal_file(message.as_bytes(), NOTICE_FILES, file_name))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        accepted(str(target))


def _goodbye(smtp):
    """QUIT, whatever the server answers: the message's fate was settled before it, so a
    refused or lost goodbye (smtplib's `with` raises on any reply but 221) changes nothing."""
    try:
        if smtp.sock is not None:
            smtp.sock.settimeout(GOODBYE_TIMEOUT_SECONDS)
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def make_transport(smtp, data_dir):
    """SMTP when configured ({"host", "port", "from"} and optionally "tls", "ca_file",
    "username", "password": kring.config), otherwise files under data_dir."""
    if smtp:
        return SmtpTransport(smtp["host"], smtp.get("port") or 25,
                             smtp.get("from") or DEFAULT_SENDER, tls=smtp.get("tls", "none"),
                             ca_file=smtp.get("ca_file"), username=smtp.get("username"),
                             password=smtp.get("password"))
    return FileTransport(notices_folder(data_dir))


def notices_folder(data_dir):
    """Where notices go as .eml files: <KRING_DATA_DIR>/notices."""
    return Path(data_dir or DEFAULT_DATA_DIR) / "notices"


class Transport(DependencyProvider):
    """Where notify's notices go (make_transport), made once from the container's config: SMTP
    when KRING_SMTP is set, else .eml files under KRING_DATA_DIR. Every worker is handed the
    same one: a transport keeps no state between deliveries (each opens its own connection,
    or writes its own file), and the configuration does not change while notify runs."""

    transport = None

    def setup(self):
        config = self.container.config
        self.transport = make_transport(config[SMTP_KEY], config[DATA_DIR_KEY])

    def get_dependency(self, worker_ctx):
        return self.transport
