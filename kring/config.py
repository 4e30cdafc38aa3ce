"""Configuration from the environment (docs/contract.md §2): every variable optional, one place
to read.

Every default is here, and `Settings` always holds every key: the services receive these values
as a nameko config dict whose keys are the module constants, and read them without defaults of
their own.
"""
import os
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from kring import programmes
from kring.contracts.topology import CLASSIC, QUEUE_TYPES

SERVICES = ("referral", "matching", "casework", "aftercare", "notify")
# the web app for the people who do the work (services/portal): it holds no family data and
# no domain logic, reads no queue and sends no event, and calls the public API like any client;
# `kring run` runs it with the five (docs/contract.md §3)
APPS = ("portal",)
RUNNABLE = SERVICES + APPS

# nameko config keys (nameko reads AMQP_URI and WEB_SERVER_ADDRESS itself)
AMQP_URI_KEY = "AMQP_URI"
AMQP_SSL_KEY = "AMQP_SSL"  # nameko's own key: its connections and ours get the same TLS options
WEB_SERVER_KEY = "WEB_SERVER_ADDRESS"
DATA_DIR_KEY = "KRING_DATA_DIR"
DATABASES_KEY = "KRING_DATABASES"
SECRET_KEY = "KRING_SECRET"
# during a rotation: the secret before, which still verifies what it signed (docs/security.md)
PREVIOUS_SECRET_KEY = "KRING_SECRET_PREVIOUS"
# "id:base64key,...": the data keys that seal family data at rest, the first sealing
# (kring.kit.crypto; unset: one derived from KRING_SECRET)
DATA_KEYS_KEY = "KRING_DATA_KEYS"
SMTP_KEY = "KRING_SMTP"
RETRY_DELAYS_KEY = "KRING_RETRY_DELAYS"
# classic (one local broker) or quorum (a cluster; compose and Kubernetes): the type of every
# durable queue of ours (kring.contracts.topology.queue_arguments)
QUEUE_TYPE_KEY = "KRING_QUEUE_TYPE"
DEFAULT_QUEUE_TYPE = CLASSIC
SWEEP_SECONDS_KEY = "KRING_NOTIFY_SWEEP_SECONDS"
# a JSON file of registerProvider bodies the referral service registers when it starts
DIRECTORY_KEY = "KRING_DIRECTORY"
# a folder of programme definitions (YAML) that add to or replace the shipped ones
# (kring.programmes, docs/contract.md §2 "Programmes")
PROGRAMMES_KEY = programmes.PROGRAMMES_KEY
# how long personal data of a closed referral is kept: {"days": D, "programmes": {name: D}}
RETENTION_KEY = "KRING_RETENTION"
RETENTION_SWEEP_KEY = "KRING_RETENTION_SWEEP_SECONDS"
DEFAULT_DATA_DIR = "./var"
# how long what is kept of a family after it is done with is kept (docs/contract.md §2)
RETENTION_DAYS_KEY = "KRING_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 730
# where the portal reaches the public API; unset: this process's own port on 127.0.0.1, which
# serves the API when `kring run` runs the services with it (docs/contract.md §2)
API_URL_KEY = "KRING_API_URL"
# the address people reach the portal at, for the links `kring login-link` prints; unset:
# http://localhost:<KRING_HTTP_PORT>
PORTAL_URL_KEY = "KRING_PORTAL_URL"
# how log lines look: today's plain lines, or one JSON object per line (kring.kit.logs)
LOG_FORMAT_KEY = "KRING_LOG_FORMAT"
LOG_FORMATS = ("plain", "json")
# where people reach Kring from outside (the gateway): links in e-mails are built on it
PUBLIC_URL_KEY = "KRING_PUBLIC_URL"
DEFAULT_PUBLIC_URL = "http://localhost:8000"
# the proxies whose X-Forwarded-For / X-Real-IP are believed (kring.kit.remote)
TRUSTED_PROXIES_KEY = "KRING_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"

DEFAULT_AMQP_URI = "amqp://guest:guest@localhost:5672/"
DEFAULT_HTTP_PORT = 8000
DEFAULT_RETRY_DELAYS = (1, 5, 30, 120, 600)  # seconds; after the last, the dead-letter queue
DEFAULT_SWEEP_SECONDS = 5.0
DEFAULT_RETENTION_SWEEP_SECONDS = 3600.0
# how long `kring run` may take to stop after SIGTERM or SIGINT before it exits anyway: below
# the 30 s that compose (docker-compose.yml) and Kubernetes wait before they kill
STOP_SECONDS_KEY = "KRING_STOP_SECONDS"
DEFAULT_STOP_SECONDS = 25.0
# Only ever used under --dev: a fixed, public key, so tokens made by `kring token create` on a
# development machine work against `make run` without any set-up.
DEVELOPMENT_SECRET = "kring-development-key-not-for-production"
MIN_SECRET_LENGTH = 32  # HS256 wants a key at least as long as its hash (RFC 7518 §3.2)


class ConfigError(Exception):
    """The environment cannot run Kring as asked (said to the operator, then exit)."""


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    data_dir: Path
    http_port: int
    secret: str | None
    previous_secret: str | None = None
    databases: dict = field(default_factory=dict)
    smtp: dict | None = None
    amqp_ssl: dict | None = None
    retry_delays: tuple = DEFAULT_RETRY_DELAYS
    notify_sweep_seconds: float = DEFAULT_SWEEP_SECONDS
    directory: str | None = None
    programmes: str | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS
    # KRING_RETENTION_DAYS_<PROGRAMME>: a programme's own period for a closed referral's data
    retention_by_programme: dict = field(default_factory=dict)
    retention_sweep_seconds: float = DEFAULT_RETENTION_SWEEP_SECONDS
    data_keys: str | None = None
    stop_seconds: float = DEFAULT_STOP_SECONDS
    queue_type: str = DEFAULT_QUEUE_TYPE
    log_format: str = "plain"
    public_url: str = DEFAULT_PUBLIC_URL
    trusted_proxies: str = DEFAULT_TRUSTED_PROXIES
    api_url: str | None = None
    portal_url: str | None = None

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        data_dir = Path(env.get("KRING_DATA_DIR") or DEFAULT_DATA_DIR)
        http_port = _port(env, "KRING_HTTP_PORT", DEFAULT_HTTP_PORT)
        databases = {
            name: env.get(f"KRING_DB_{name.upper()}") or f"sqlite:///{data_dir / name}.db"
            for name in RUNNABLE
        }
        return cls(
            amqp_uri=env.get(AMQP_URI_KEY) or DEFAULT_AMQP_URI,
            data_dir=data_dir,
            http_port=http_port,
            secret=env.get("KRING_SECRET") or None,
            previous_secret=env.get(PREVIOUS_SECRET_KEY) or None,
            databases=databases,
            smtp=_smtp(env),
            amqp_ssl=_amqp_ssl(env, env.get(AMQP_URI_KEY) or DEFAULT_AMQP_URI),
            retry_delays=_retry_delays(env.get(RETRY_DELAYS_KEY)) or DEFAULT_RETRY_DELAYS,
            notify_sweep_seconds=_seconds(env, SWEEP_SECONDS_KEY) or DEFAULT_SWEEP_SECONDS,
            directory=env.get(DIRECTORY_KEY) or None,
            programmes=_programmes(env),
            retention_days=_days(env, RETENTION_DAYS_KEY) or DEFAULT_RETENTION_DAYS,
            retention_by_programme=_retention_by_programme(env),
            retention_sweep_seconds=_seconds(env, RETENTION_SWEEP_KEY) or
            DEFAULT_RETENTION_SWEEP_SECONDS,
            data_keys=_data_keys(env.get(DATA_KEYS_KEY)),
            stop_seconds=_seconds(env, STOP_SECONDS_KEY) or DEFAULT_STOP_SECONDS,
            queue_type=_queue_type(env.get(QUEUE_TYPE_KEY)),
            log_format=_log_format(env.get(LOG_FORMAT_KEY)),
            public_url=_public_url(env.get(PUBLIC_URL_KEY)),
            trusted_proxies=_trusted_proxies(env.get(TRUSTED_PROXIES_KEY)),
            api_url=(env.get(API_URL_KEY) or "").rstrip("/") or None,
            portal_url=(env.get(PORTAL_URL_KEY) or "").rstrip("/") or None,
        )

    def signing_key(self, dev):
        """The key for API tokens: KRING_SECRET when set, the development key only under --dev."""
        if self.secret:
            if len(self.secret) < MIN_SECRET_LENGTH:
                raise ConfigError(
                    f"KRING_SECRET is too short to sign tokens safely: use at least "
                    f"{MIN_SECRET_LENGTH} characters (e.g. `openssl rand -hex 32`).")
            return self.secret
        if dev:
            return DEVELOPMENT_SECRET
        raise ConfigError(
            "KRING_SECRET is not set. Set it to a long random value "
            "(e.g. `export KRING_SECRET=$(openssl rand -hex 32)`), or run with --dev "
            "to use the fixed development key.")

    def nameko_config(self, dev=False):
        return {
            AMQP_URI_KEY: self.amqp_uri,
            AMQP_SSL_KEY: self.amqp_ssl,
            # under --dev nothing but this machine may reach the fixed development key's API
            WEB_SERVER_KEY: f"{'127.0.0.1' if dev else '0.0.0.0'}:{self.http_port}",
            DATA_DIR_KEY: str(self.data_dir),
            DATABASES_KEY: dict(self.databases),
            SECRET_KEY: self.signing_key(dev),
            PREVIOUS_SECRET_KEY: self.previous_secret,
            SMTP_KEY: self.smtp,
            RETRY_DELAYS_KEY: list(self.retry_delays),
            SWEEP_SECONDS_KEY: self.notify_sweep_seconds,
            DIRECTORY_KEY: self.directory,
            RETENTION_DAYS_KEY: self.retention_days,
            # the same periods as the retention timers read them (kring.kit.erasure)
            RETENTION_KEY: {"days": self.retention_days,
                            "programmes": dict(self.retention_by_programme)},
            RETENTION_SWEEP_KEY: self.retention_sweep_seconds,
            DATA_KEYS_KEY: self.data_keys,
            QUEUE_TYPE_KEY: self.queue_type,
            PUBLIC_URL_KEY: self.public_url,
            TRUSTED_PROXIES_KEY: self.trusted_proxies,
            API_URL_KEY: self.api_url,
        }


_AMQP_TLS_FILES = ("KRING_AMQP_CA_FILE", "KRING_AMQP_CERT_FILE", "KRING_AMQP_KEY_FILE")


def _amqp_ssl(env, amqp_uri):
    """The TLS options of an `amqps://` broker, for kombu and nameko alike: the broker's
    certificate is always checked (against KRING_AMQP_CA_FILE, or the system's CAs) and so is
    its name; KRING_AMQP_CERT_FILE and KRING_AMQP_KEY_FILE are a client certificate, for a
    broker that asks for one. None for plain `amqp://`."""
    files = {key: env.get(key) or None for key in _AMQP_TLS_FILES}
    if not amqp_uri.startswith("amqps://"):
        named = [key for key, value in files.items() if value]
        if named:
            raise ConfigError(f"{', '.join(named)} only apply to a broker over TLS: make "
                              "AMQP_URI start with amqps:// (port 5671)")
        return None
    for key, value in files.items():
        if value and not Path(value).is_file():
            raise ConfigError(f"{key} names no readable file: {value}")
    cert, key = files["KRING_AMQP_CERT_FILE"], files["KRING_AMQP_KEY_FILE"]
    if bool(cert) != bool(key):
        raise ConfigError("KRING_AMQP_CERT_FILE and KRING_AMQP_KEY_FILE go together: set both "
                          "or neither")
    return {"ca_certs": files["KRING_AMQP_CA_FILE"], "certfile": cert, "keyfile": key,
            "cert_reqs": ssl.CERT_REQUIRED,
            "server_hostname": None}  # None: kombu puts the URI's host here, and it is checked


SMTP_TLS_MODES = ("none", "starttls", "tls")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _smtp(env):
    host = env.get("KRING_SMTP_HOST")
    if not host:
        return None
    # Nothing leaves this machine in the clear unless the operator says so: a server anywhere
    # but on loopback gets STARTTLS, required, unless KRING_SMTP_TLS=none.
    tls = env.get("KRING_SMTP_TLS") or ("none" if host in LOOPBACK_HOSTS else "starttls")
    if tls not in SMTP_TLS_MODES:
        raise ConfigError(f"KRING_SMTP_TLS must be one of {', '.join(SMTP_TLS_MODES)}, "
                          f"not {tls!r}")
    ca_file = env.get("KRING_SMTP_CA_FILE") or None
    if ca_file and not Path(ca_file).is_file():
        raise ConfigError(f"KRING_SMTP_CA_FILE names no readable file: {ca_file}")
    username, password = env.get("KRING_SMTP_USERNAME"), env.get("KRING_SMTP_PASSWORD")
    if bool(username) != bool(password):
        raise ConfigError("KRING_SMTP_USERNAME and KRING_SMTP_PASSWORD go together: set both "
                          "or neither")
    if password and tls == "none" and host not in LOOPBACK_HOSTS:
        raise ConfigError("KRING_SMTP_PASSWORD would cross the network in the clear: set "
                          "KRING_SMTP_TLS to starttls or tls")
    default_port = 465 if tls == "tls" else 25
    return {"host": host, "port": _port(env, "KRING_SMTP_PORT", default_port),
            "from": env.get("KRING_SMTP_FROM") or "kring@localhost",
            "tls": tls, "ca_file": ca_file, "username": username or None,
            "password": password or None}


def _port(env, key, default):
    text = env.get(key) or str(default)
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise ConfigError(f"{key} must be a port number from 1 to 65535, not {text!r}")
    return int(text)


def _public_url(text):
    """KRING_PUBLIC_URL without a trailing slash; an http(s) URL with a host, or refused."""
    if not text or not text.strip():
        return DEFAULT_PUBLIC_URL
    from urllib.parse import urlsplit
    url = text.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or \
            parts.fragment:
        raise ConfigError(f"{PUBLIC_URL_KEY} must be an http:// or https:// URL with a host "
                          f"(e.g. https://kring.example.org), not {text!r}")
    return url


def _trusted_proxies(text):
    """KRING_TRUSTED_PROXIES: IP addresses or networks separated by commas."""
    if not text or not text.strip():
        return DEFAULT_TRUSTED_PROXIES
    from kring.kit.remote import networks
    try:
        networks(text)
    except ValueError as exc:
        raise ConfigError(f"{TRUSTED_PROXIES_KEY} must be IP addresses or networks separated "
                          f"by commas (e.g. 10.0.0.0/8,127.0.0.1): {exc}") from None
    return text.strip()


def _log_format(text):
    if not text:
        return "plain"
    if text not in LOG_FORMATS:
        raise ConfigError(f"{LOG_FORMAT_KEY} must be one of {', '.join(LOG_FORMATS)}, "
                          f"not {text!r}")
    return text


def _days(env, key):
    text = env.get(key)
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 36500:
        raise ConfigError(f"{key} must be a whole number of days from 1 to 36500, not {text!r}")
    return int(text)


def _seconds(env, key):
    text = env.get(key)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = 0
    if not 0 < value < 86400 or value != value:
        raise ConfigError(f"{key} must be a number of seconds above 0 and below a day, "
                          f"not {text!r}")
    return value


def _programmes(env):
    """KRING_PROGRAMMES, once every definition it and the shipped folder hold is valid: a bad
    file refuses the start, naming the file and the field."""
    folder = env.get(PROGRAMMES_KEY) or None
    try:
        programmes.load(folder)
    except programmes.ProgrammeError as exc:
        raise ConfigError(f"{PROGRAMMES_KEY}: {exc}") from None
    return folder


def _retention_by_programme(env):
    """KRING_RETENTION_DAYS_HOME_START=365: the period of one programme (home-start), which
    overrides KRING_RETENTION_DAYS for it."""
    prefix = RETENTION_DAYS_KEY + "_"
    return {key[len(prefix):].lower().replace("_", "-"): _days(env, key)
            for key in sorted(env) if key.startswith(prefix) and env.get(key)}


def _data_keys(text):
    """KRING_DATA_KEYS checked now, so a malformed value stops Kring before it seals anything
    (the message names the entry, never a key)."""
    if not text or not text.strip():
        return None
    from kring.kit.crypto import parse
    try:
        parse(text)
    except ValueError as exc:
        raise ConfigError(f"{DATA_KEYS_KEY} must be data keys as id:base64key separated by "
                          f"commas, the first sealing (e.g. k2:$(openssl rand -base64 32)): "
                          f"{exc}") from None
    return text.strip()


def _retry_delays(text):
    """`1,5,30`: the waits before each retry of a failed message, then the dead-letter queue."""
    if not text:
        return None
    try:
        delays = tuple(float(part) for part in text.split(","))
    except ValueError:
        delays = ()
    if not delays or not all(0 < delay <= 86400 for delay in delays):
        raise ConfigError(f"{RETRY_DELAYS_KEY} must be seconds separated by commas, each above 0 "
                          f"and at most a day (e.g. 1,5,30,120,600), not {text!r}")
    return delays


def _queue_type(text):
    if not text or not text.strip():
        return DEFAULT_QUEUE_TYPE
    if text.strip() not in QUEUE_TYPES:
        raise ConfigError(f"{QUEUE_TYPE_KEY} must be one of {', '.join(QUEUE_TYPES)}, not "
                          f"{text!r}")
    return text.strip()
