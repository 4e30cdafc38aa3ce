"""`kring doctor`'s judgements that need no server (docs/contract.md §3): certificates and keys,
the secret, and the report."""
import datetime

from kring.config import Settings
from kring.doctor import (FAIL, OK, WARN, Finding, _without_password, certificate_finding,
                          key_finding, report, secrets)
from tests.support.tls import make_certificates

NOW = datetime.datetime.now(datetime.timezone.utc)
GOOD_SECRET = "0123456789abcdef0123456789abcdef"


def test_a_certificate_valid_for_long_is_fine(tmp_path):
    made = make_certificates(tmp_path, days=400)
    finding = certificate_finding("KRING_AMQP_CA_FILE", made.ca_file, NOW)
    assert finding.level == OK and "1 certificate(s), valid until" in finding.said


def test_a_certificate_that_ends_within_a_month_is_to_look_at(tmp_path):
    made = make_certificates(tmp_path, days=10)
    finding = certificate_finding("KRING_SMTP_CA_FILE", made.ca_file, NOW)
    assert finding.level == WARN and "expires on" in finding.said and finding.fix


def test_an_expired_certificate_fails(tmp_path):
    made = make_certificates(tmp_path, days=-2)
    finding = certificate_finding("KRING_AMQP_CERT_FILE", made.cert_file, NOW)
    assert finding.level == FAIL and "expired on" in finding.said


def test_a_file_that_is_no_certificate_fails_and_says_what_is_wanted(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_text("not a certificate")
    finding = certificate_finding("KRING_AMQP_CA_FILE", path, NOW)
    assert finding.level == FAIL and "no readable PEM certificate" in finding.said
    assert "BEGIN CERTIFICATE" in finding.fix


def test_a_client_key_must_belong_to_its_certificate(tmp_path):
    ours, theirs = make_certificates(tmp_path / "a"), make_certificates(tmp_path / "b")
    assert key_finding(ours.key_file, ours.cert_file).level == OK
    mismatch = key_finding(theirs.key_file, ours.cert_file)
    assert mismatch.level == FAIL and "is not the key of" in mismatch.said


def test_the_secret_must_be_set_and_long_enough():
    (unset,) = secrets(Settings.from_env({}), {})
    assert unset.level == FAIL and "openssl rand" in unset.fix
    (short,) = secrets(Settings.from_env({"KRING_SECRET": "short"}), {})
    assert short.level == FAIL and "5 characters" in short.said
    fine, no_data_keys = secrets(Settings.from_env({"KRING_SECRET": GOOD_SECRET}), {})
    assert fine.level == OK and no_data_keys.level == WARN
    assert [f.level for f in secrets(Settings.from_env({"KRING_SECRET": GOOD_SECRET}),
                                     {"KRING_DATA_KEYS": "k1:..."})] == [OK]


def test_a_password_in_a_url_is_never_shown():
    assert _without_password("amqp://kring:s3cret@rabbitmq:5672/") == \
        "amqp://kring:***@rabbitmq:5672/"
    assert _without_password("sqlite:///var/referral.db") == "sqlite:///var/referral.db"


def test_the_report_fails_only_when_something_failed():
    text, code = report([Finding(OK, "broker", "answers"),
                         Finding(WARN, "smtp", "not set", "set KRING_SMTP_HOST")])
    assert code == 0 and "fix: set KRING_SMTP_HOST" in text
    assert text.splitlines()[-1] == "0 failed, 1 to look at, 1 fine"
    text, code = report([Finding(FAIL, "secret", "not set", "export KRING_SECRET=...")])
    assert code == 1 and text.startswith("FAIL  secret")
