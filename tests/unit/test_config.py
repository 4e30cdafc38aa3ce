"""Settings from the environment (docs/contract.md §2): defaults, overrides, and refusals."""
import ssl
from pathlib import Path

import pytest

from kring.config import (AMQP_SSL_KEY, DEVELOPMENT_SECRET, PREVIOUS_SECRET_KEY, RETENTION_KEY,
                          RETENTION_SWEEP_KEY, RUNNABLE, ConfigError, DATABASES_KEY,
                          SECRET_KEY, SMTP_KEY, WEB_SERVER_KEY, Settings)

GOOD_SECRET = "0123456789abcdef0123456789abcdef"  # exactly the minimum, 32 characters


def test_defaults():
    settings = Settings.from_env({})
    assert settings.amqp_uri == "amqp://guest:guest@localhost:5672/"
    assert settings.data_dir == Path("./var")
    assert settings.http_port == 8000
    assert settings.secret is None
    assert settings.smtp is None
    assert settings.databases == {name: f"sqlite:///var/{name}.db" for name in RUNNABLE}


def test_one_database_can_be_pointed_elsewhere():
    url = "postgresql://kring@db/referral"
    settings = Settings.from_env({"KRING_DB_REFERRAL": url, "KRING_DATA_DIR": "/data"})
    assert settings.databases["referral"] == url
    assert settings.databases["matching"] == "sqlite:////data/matching.db"


def test_other_variables_override_the_defaults():
    settings = Settings.from_env({"AMQP_URI": "amqp://u:p@rabbit:5672/kring",
                                  "KRING_HTTP_PORT": "9090", "KRING_SECRET": GOOD_SECRET})
    assert (settings.amqp_uri, settings.http_port) == ("amqp://u:p@rabbit:5672/kring", 9090)
    config = settings.nameko_config()
    assert config["WEB_SERVER_ADDRESS"] == "0.0.0.0:9090"
    assert config[SECRET_KEY] == GOOD_SECRET
    assert config[DATABASES_KEY] == settings.databases


def test_without_a_secret_the_services_refuse_to_start():
    with pytest.raises(ConfigError, match="KRING_SECRET"):
        Settings.from_env({}).nameko_config(dev=False)


def test_without_a_secret_dev_falls_back_to_the_development_key():
    assert Settings.from_env({}).nameko_config(dev=True)[SECRET_KEY] == DEVELOPMENT_SECRET


def test_a_set_secret_is_used_also_under_dev():
    assert Settings.from_env({"KRING_SECRET": GOOD_SECRET}).signing_key(dev=True) == GOOD_SECRET


@pytest.mark.parametrize("dev", [False, True])
def test_a_short_secret_is_refused(dev):
    with pytest.raises(ConfigError, match="too short"):
        Settings.from_env({"KRING_SECRET": GOOD_SECRET[:-1]}).signing_key(dev=dev)


# "²" passes str.isdigit() but not int(): it must still be a ConfigError, not a ValueError
@pytest.mark.parametrize("port", ["http", "-1", "0", "65536", "80.5", " 80", "²"])
def test_a_bad_http_port_is_refused(port):
    with pytest.raises(ConfigError, match="KRING_HTTP_PORT"):
        Settings.from_env({"KRING_HTTP_PORT": port})


def test_smtp_settings():
    settings = Settings.from_env({"KRING_SMTP_HOST": "mail.example.org",
                                  "KRING_SMTP_PORT": "2525",
                                  "KRING_SMTP_FROM": "kring@example.org",
                                  "KRING_SECRET": GOOD_SECRET})
    assert settings.smtp == {"host": "mail.example.org", "port": 2525,
                             "from": "kring@example.org", "tls": "starttls", "ca_file": None,
                             "username": None, "password": None}
    assert settings.nameko_config()[SMTP_KEY] == settings.smtp


def test_smtp_defaults_when_only_the_host_is_set():
    # a server off this machine gets STARTTLS, required
    assert Settings.from_env({"KRING_SMTP_HOST": "mail"}).smtp == {
        "host": "mail", "port": 25, "from": "kring@localhost", "tls": "starttls",
        "ca_file": None, "username": None, "password": None}


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_a_mail_server_on_this_machine_is_spoken_to_in_plain_smtp_by_default(host):
    assert Settings.from_env({"KRING_SMTP_HOST": host}).smtp["tls"] == "none"


def test_smtps_takes_port_465_unless_told_otherwise(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    smtp = Settings.from_env({"KRING_SMTP_HOST": "mail", "KRING_SMTP_TLS": "tls",
                              "KRING_SMTP_CA_FILE": str(ca), "KRING_SMTP_USERNAME": "kring",
                              "KRING_SMTP_PASSWORD": "relay-password"}).smtp
    assert (smtp["tls"], smtp["port"], smtp["ca_file"], smtp["username"], smtp["password"]) == (
        "tls", 465, str(ca), "kring", "relay-password")


def test_tls_can_be_turned_off_for_a_mail_catcher_elsewhere():
    assert Settings.from_env({"KRING_SMTP_HOST": "mailcatcher",
                              "KRING_SMTP_TLS": "none"}).smtp["tls"] == "none"


@pytest.mark.parametrize("env, words", [
    ({"KRING_SMTP_TLS": "ssl"}, "KRING_SMTP_TLS must be one of none, starttls, tls"),
    ({"KRING_SMTP_CA_FILE": "/no/such/ca.pem"}, "KRING_SMTP_CA_FILE names no readable file"),
    ({"KRING_SMTP_USERNAME": "kring"}, "go together"),
    ({"KRING_SMTP_PASSWORD": "pw"}, "go together"),
    ({"KRING_SMTP_TLS": "none", "KRING_SMTP_USERNAME": "kring", "KRING_SMTP_PASSWORD": "pw"},
     "in the clear"),
])
def test_unsafe_or_unreadable_smtp_settings_are_refused(env, words):
    with pytest.raises(ConfigError, match=words):
        Settings.from_env(dict(env, KRING_SMTP_HOST="mail.example.org"))


@pytest.mark.parametrize("port", ["smtp", "²", "0", "70000"])
def test_a_bad_smtp_port_is_refused(port):
    with pytest.raises(ConfigError, match="KRING_SMTP_PORT"):
        Settings.from_env({"KRING_SMTP_HOST": "mail", "KRING_SMTP_PORT": port})


def test_retry_delays_and_the_notice_sweep_come_from_the_environment():
    settings = Settings.from_env({"KRING_RETRY_DELAYS": "0.5,2,30",
                                  "KRING_NOTIFY_SWEEP_SECONDS": "1.5"})
    config = settings.nameko_config(dev=True)
    assert config["KRING_RETRY_DELAYS"] == [0.5, 2, 30]
    assert config["KRING_NOTIFY_SWEEP_SECONDS"] == 1.5


def test_without_them_the_services_get_the_defaults():
    config = Settings.from_env({}).nameko_config(dev=True)
    assert config["KRING_RETRY_DELAYS"] == [1, 5, 30, 120, 600]
    assert config["KRING_NOTIFY_SWEEP_SECONDS"] == 5


@pytest.mark.parametrize("text", ["x", "0", "-1,2", "1,,2", "nan", "1;2", "90000"])
def test_bad_retry_delays_are_refused(text):
    with pytest.raises(ConfigError, match="KRING_RETRY_DELAYS"):
        Settings.from_env({"KRING_RETRY_DELAYS": text})


@pytest.mark.parametrize("text", ["soon", "0", "-5", "nan", "inf"])
def test_a_bad_sweep_interval_is_refused(text):
    with pytest.raises(ConfigError, match="KRING_NOTIFY_SWEEP_SECONDS"):
        Settings.from_env({"KRING_NOTIFY_SWEEP_SECONDS": text})


def test_development_mode_listens_on_this_machine_only():
    assert Settings.from_env({}).nameko_config(dev=True)[WEB_SERVER_KEY] == "127.0.0.1:8000"
    production = Settings.from_env({"KRING_SECRET": GOOD_SECRET}).nameko_config()
    assert production[WEB_SERVER_KEY] == "0.0.0.0:8000"


def test_the_previous_secret_of_a_rotation_is_passed_on():
    settings = Settings.from_env({"KRING_SECRET": GOOD_SECRET, PREVIOUS_SECRET_KEY: "before"})
    assert settings.nameko_config()[PREVIOUS_SECRET_KEY] == "before"
    assert Settings.from_env({"KRING_SECRET": GOOD_SECRET}).nameko_config()[
        PREVIOUS_SECRET_KEY] is None


def test_the_retention_period_is_two_years_unless_set():
    from kring.config import RETENTION_DAYS_KEY
    assert Settings.from_env({}).retention_days == 730
    settings = Settings.from_env({RETENTION_DAYS_KEY: "365"})
    assert settings.nameko_config(dev=True)[RETENTION_DAYS_KEY] == 365
    for bad in ("0", "-1", "two years", "36501"):
        with pytest.raises(ConfigError, match=RETENTION_DAYS_KEY):
            Settings.from_env({RETENTION_DAYS_KEY: bad})


def test_a_programme_may_have_its_own_retention_period():
    config = Settings.from_env({"KRING_RETENTION_DAYS": "365",
                                "KRING_RETENTION_DAYS_HOME_START": "90",
                                "KRING_RETENTION_DAYS_FAMILY_HELP": "30",
                                "KRING_RETENTION_SWEEP_SECONDS": "60"}).nameko_config(dev=True)
    assert config[RETENTION_KEY] == {"days": 365,
                                     "programmes": {"home-start": 90, "family-help": 30}}
    assert config[RETENTION_SWEEP_KEY] == 60
    default = Settings.from_env({}).nameko_config(dev=True)
    assert default[RETENTION_KEY] == {"days": 730, "programmes": {}}
    assert default[RETENTION_SWEEP_KEY] == 3600
    for bad in ("0", "-1", "two years", "36501"):
        with pytest.raises(ConfigError, match="KRING_RETENTION_DAYS_HOME_START"):
            Settings.from_env({"KRING_RETENTION_DAYS_HOME_START": bad})


def test_a_plain_broker_has_no_tls_options():
    settings = Settings.from_env({"AMQP_URI": "amqp://kring:pw@rabbitmq:5672/"})
    assert settings.amqp_ssl is None and settings.nameko_config(dev=True)[AMQP_SSL_KEY] is None


def test_a_broker_over_tls_is_checked_against_the_given_ca_and_by_its_name(tmp_path):
    for name in ("ca.pem", "client.pem", "client.key"):
        (tmp_path / name).write_text("-----BEGIN-----\n")
    settings = Settings.from_env({"AMQP_URI": "amqps://kring:pw@rabbitmq:5671/",
                                  "KRING_AMQP_CA_FILE": str(tmp_path / "ca.pem"),
                                  "KRING_AMQP_CERT_FILE": str(tmp_path / "client.pem"),
                                  "KRING_AMQP_KEY_FILE": str(tmp_path / "client.key")})
    assert settings.amqp_ssl == {
        "ca_certs": str(tmp_path / "ca.pem"), "certfile": str(tmp_path / "client.pem"),
        "keyfile": str(tmp_path / "client.key"), "cert_reqs": ssl.CERT_REQUIRED,
        "server_hostname": None}
    assert settings.nameko_config(dev=True)[AMQP_SSL_KEY] == settings.amqp_ssl


def test_a_broker_over_tls_without_a_ca_file_is_checked_against_the_systems_cas():
    options = Settings.from_env({"AMQP_URI": "amqps://kring:pw@broker.example.org/"}).amqp_ssl
    assert options["ca_certs"] is None and options["cert_reqs"] == ssl.CERT_REQUIRED


@pytest.mark.parametrize("env, words", [
    ({"AMQP_URI": "amqp://rabbitmq/", "KRING_AMQP_CA_FILE": "/etc/ssl/ca.pem"},
     "KRING_AMQP_CA_FILE only apply to a broker over TLS"),
    ({"AMQP_URI": "amqps://rabbitmq/", "KRING_AMQP_CA_FILE": "/no/such/ca.pem"},
     "KRING_AMQP_CA_FILE names no readable file"),
    ({"AMQP_URI": "amqps://rabbitmq/", "KRING_AMQP_CERT_FILE": __file__}, "go together"),
])
def test_unusable_broker_tls_settings_are_refused(env, words):
    with pytest.raises(ConfigError, match=words):
        Settings.from_env(env)


def test_the_stop_deadline_stays_below_the_grace_period_of_compose_and_kubernetes():
    assert Settings.from_env({}).stop_seconds == 25
    assert Settings.from_env({"KRING_STOP_SECONDS": "2.5"}).stop_seconds == 2.5


@pytest.mark.parametrize("text", ["soon", "0", "-5", "nan"])
def test_a_bad_stop_deadline_is_refused(text):
    with pytest.raises(ConfigError, match="KRING_STOP_SECONDS"):
        Settings.from_env({"KRING_STOP_SECONDS": text})


def test_queues_are_classic_unless_told_quorum():
    from kring.config import QUEUE_TYPE_KEY
    assert Settings.from_env({}).nameko_config(dev=True)[QUEUE_TYPE_KEY] == "classic"
    quorum = Settings.from_env({QUEUE_TYPE_KEY: "quorum"}).nameko_config(dev=True)
    assert quorum[QUEUE_TYPE_KEY] == "quorum"


@pytest.mark.parametrize("text", ["Quorum", "stream", "classic,quorum"])
def test_an_unknown_queue_type_is_refused(text):
    with pytest.raises(ConfigError, match="KRING_QUEUE_TYPE"):
        Settings.from_env({"KRING_QUEUE_TYPE": text})


def test_the_public_url_and_the_trusted_proxies_have_defaults_and_can_be_set():
    from kring.config import PUBLIC_URL_KEY, TRUSTED_PROXIES_KEY
    defaults = Settings.from_env({}).nameko_config(dev=True)
    assert defaults[PUBLIC_URL_KEY] == "http://localhost:8000"
    assert defaults[TRUSTED_PROXIES_KEY] == "127.0.0.1,::1"
    chosen = Settings.from_env({PUBLIC_URL_KEY: "https://kring.example.org/",
                                TRUSTED_PROXIES_KEY: "10.0.0.0/8, 192.0.2.1"})
    assert chosen.nameko_config(dev=True)[PUBLIC_URL_KEY] == "https://kring.example.org"
    assert chosen.nameko_config(dev=True)[TRUSTED_PROXIES_KEY] == "10.0.0.0/8, 192.0.2.1"


@pytest.mark.parametrize("env, words", [
    ({"KRING_PUBLIC_URL": "kring.example.org"}, "KRING_PUBLIC_URL"),
    ({"KRING_PUBLIC_URL": "ftp://kring.example.org"}, "KRING_PUBLIC_URL"),
    ({"KRING_PUBLIC_URL": "https://kring.example.org/?a=1"}, "KRING_PUBLIC_URL"),
    ({"KRING_TRUSTED_PROXIES": "10.0.0.0/8,gateway"}, "'gateway'"),
])
def test_a_bad_public_url_or_proxy_list_is_refused(env, words):
    with pytest.raises(ConfigError, match=words):
        Settings.from_env(env)
