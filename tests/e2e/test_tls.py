"""Kring over AMQP with TLS (docs/contract.md §2, `AMQP_URI` with `amqps://` and
`KRING_AMQP_CA_FILE`): the five services, a partner client and the operator's commands against
a broker of the test's own that has no plain listener at all, so anything that arrives went
over TLS. The mail server requires STARTTLS: the notices went over TLS too."""
import subprocess

import pytest
from kombu import Connection
from kombu.exceptions import OperationalError

from kring.config import Settings
from kring.kit.broker import connect
from kring.partner_client import PartnerClient
from tests.support.fault import Stack, register_supporter
from tests.support.processes import KRING, SmtpServer
from tests.support.sample import referral_body
from tests.support.tls import make_certificates
from tests.support.tls_broker import TlsBroker
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
def tls_broker(tmp_path_factory, certificates):
    broker = TlsBroker(tmp_path_factory.mktemp("broker"), certificates).start()
    yield broker
    broker.stop()


@pytest.fixture
def stack(tls_broker, certificates, tmp_path):
    stack = Stack({"AMQP_URI": tls_broker.amqp_uri}, tmp_path)
    stack.env.update(KRING_AMQP_CA_FILE=str(certificates.ca_file),
                     KRING_SMTP_TLS="starttls", KRING_SMTP_CA_FILE=str(certificates.ca_file))
    stack.smtp = SmtpServer(stack.smtp.folder, stack.smtp.port, tls="starttls",
                            certificates=certificates)
    yield stack.start()
    stack.stop()


def test_the_broker_takes_no_plain_amqp(tls_broker):
    with pytest.raises((OSError, OperationalError)):
        Connection(f"amqp://guest:guest@localhost:{tls_broker.port}/",
                   connect_timeout=5).ensure_connection(max_retries=1)


def test_a_partners_referral_goes_round_the_loop_over_tls(stack, certificates):
    settings = Settings.from_env(stack.env)
    partner = PartnerClient(settings.amqp_uri, settings.amqp_ssl)
    with connect(settings.amqp_uri, settings.amqp_ssl) as connection:
        partner.updates_queue()(connection.default_channel).declare()  # before the answer comes
    updates = partner.updates(timeout=30)
    message_id = partner.submit_referral(referral_body("tls-1"))
    accepted = next(updates)
    assert (accepted["type"], accepted["in_reply_to"]) == ("accepted", message_id)
    register_supporter(stack)
    walker = stack.walker()
    try:
        assert walker.walk([accepted["referral_id"]], timeout=240) == []
    finally:
        walker.close()
    eventually(lambda: sorted(m["X-Kring-Notice"] for m in stack.smtp.messages()) ==
               ["closure", "start"], timeout=60)
    listed = subprocess.run([KRING, "dlq", "list"], capture_output=True, text=True, timeout=60,
                            env=stack.env)
    assert listed.returncode == 0, listed.stderr


def test_a_broker_certificate_the_ca_did_not_sign_is_refused(tls_broker, tmp_path):
    strangers = make_certificates(tmp_path / "other", ca_name="Some other CA")
    env = {"AMQP_URI": tls_broker.amqp_uri, "KRING_AMQP_CA_FILE": str(strangers.ca_file)}
    listed = subprocess.run([KRING, "dlq", "list"], capture_output=True, text=True, timeout=60,
                            env=dict(env, PATH="/usr/bin:/bin"))
    assert listed.returncode != 0
    assert "CERTIFICATE_VERIFY_FAILED" in listed.stdout + listed.stderr
