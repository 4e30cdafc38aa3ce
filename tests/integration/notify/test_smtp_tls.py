"""Notices over TLS (docs/contract.md §2, KRING_SMTP_TLS): STARTTLS and SMTPS against a mail
server that presents a certificate of the test's own CA, and nothing sent when the server offers
no TLS, or a certificate the configured CA did not sign."""
import pytest

from kring.config import SMTP_KEY
from tests.support.integration.notify import (case_started, deliver, delivery_log, mails,
                                              received)
from tests.support.processes import LoginSmtpServer, SmtpServer
from tests.support.tls import make_certificates

RID = "7e1f0c2a-0000-4000-8000-00000000071a"


@pytest.fixture(scope="module")
def strangers_certificates(tmp_path_factory):
    """A server certificate signed by a CA the client is not told to trust."""
    return make_certificates(tmp_path_factory.mktemp("stranger"), ca_name="Some other CA")


def tls_config(kring_config, server, tls, ca_file):
    return dict(kring_config, **{SMTP_KEY: {
        "host": "127.0.0.1", "port": server.port, "from": "kring@example.org", "tls": tls,
        "ca_file": str(ca_file)}})


@pytest.fixture
def mail_server(tmp_path):
    servers = []

    def start(**tls):
        servers.append(SmtpServer(tmp_path / f"maildir-{len(servers)}", **tls).start())
        return servers[-1]
    yield start
    for server in servers:
        server.kill()


def started(notify_factory, config):
    notify = notify_factory(config)
    deliver(notify, received(RID))
    deliver(notify, case_started(RID))
    return delivery_log(notify, RID)["start"]


def test_a_notice_goes_over_starttls_to_a_server_that_requires_it(
        notify_factory, kring_config, mail_server, certificates):
    # the server refuses any mail before STARTTLS: a mail that arrives came over TLS
    server = mail_server(tls="starttls", certificates=certificates)
    notice = started(notify_factory, tls_config(kring_config, server, "starttls",
                                                certificates.ca_file))
    assert (notice["status"], notice["attempts"]) == ("sent", 1)
    (mail,) = mails(server, RID)
    assert mail["X-Kring-Notice"] == "start"


def test_a_notice_goes_over_smtps(notify_factory, kring_config, mail_server, certificates):
    server = mail_server(tls="tls", certificates=certificates)
    notice = started(notify_factory, tls_config(kring_config, server, "tls",
                                                certificates.ca_file))
    assert (notice["status"], notice["attempts"]) == ("sent", 1)
    assert [m["X-Kring-Notice"] for m in mails(server, RID)] == ["start"]


def test_nothing_goes_to_a_server_that_offers_no_tls_when_tls_is_required(
        notify_factory, kring_config, mail_server, certificates):
    server = mail_server()  # plain SMTP only, which would take the mail if it were sent
    notice = started(notify_factory, tls_config(kring_config, server, "starttls",
                                                certificates.ca_file))
    assert (notice["status"], notice["attempts"]) == ("pending", 1)
    assert notice["last_error"].startswith("SMTPNotSupportedError")
    assert mails(server, RID) == []


def test_nothing_goes_to_a_server_whose_certificate_the_ca_did_not_sign(
        notify_factory, kring_config, mail_server, certificates, strangers_certificates):
    server = mail_server(tls="starttls", certificates=strangers_certificates)
    notice = started(notify_factory, tls_config(kring_config, server, "starttls",
                                                certificates.ca_file))
    assert (notice["status"], notice["attempts"]) == ("pending", 1)
    assert "SSLCertVerificationError" in notice["last_error"]
    assert mails(server, RID) == []


def test_a_notice_goes_after_a_login_over_starttls(
        notify_factory, kring_config, tmp_path, certificates):
    server = LoginSmtpServer(tmp_path / "maildir", certificates, "kring", "s3cret-relay").start()
    try:
        config = tls_config(kring_config, server, "starttls", certificates.ca_file)
        config[SMTP_KEY].update(username="kring", password="s3cret-relay")
        notice = started(notify_factory, config)
        assert (notice["status"], notice["attempts"]) == ("sent", 1)
        assert [m["X-Kring-Notice"] for m in mails(server, RID)] == ["start"]
    finally:
        server.kill()


def test_a_wrong_password_sends_nothing_and_the_error_does_not_repeat_it(
        notify_factory, kring_config, tmp_path, certificates):
    server = LoginSmtpServer(tmp_path / "maildir", certificates, "kring", "s3cret-relay").start()
    try:
        config = tls_config(kring_config, server, "starttls", certificates.ca_file)
        config[SMTP_KEY].update(username="kring", password="not-the-password")
        notice = started(notify_factory, config)
        assert (notice["status"], notice["attempts"]) == ("pending", 1)
        # this server hangs up on a failed login (another answers 535): either way, not sent
        assert notice["last_error"].startswith("SMTP")
        assert "not-the-password" not in notice["last_error"]
        assert mails(server, RID) == []
    finally:
        server.kill()
