"""`kring doctor`: a configuration checked before it is used (docs/contract.md §3).

Each check says what it found in one line and, when something is wrong, how to put it right.
A `fail` means `kring run` would not work as configured (or not safely); a `warn` is something an
operator should know before going live. It changes nothing `kring run` would not: the broker
is asked passively about what exists, databases are only connected to (a SQLite file and the
data folder are made, as a start makes them), the mail server is greeted and sent nothing.
"""
import datetime
import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text

from kring.config import LOOPBACK_HOSTS, MIN_SECRET_LENGTH, SERVICES, ConfigError, Settings
from kring.contracts.topology import (SUBSCRIPTIONS, dead_letter_queue_name,
                                      events_exchange_name, queue_name)
from kring.kit.failures import describe

OK, WARN, FAIL = "ok", "warn", "FAIL"
CONNECT_TIMEOUT_SECONDS = 5
EXPIRES_SOON = datetime.timedelta(days=30)


@dataclass(frozen=True)
class Finding:
    level: str
    topic: str
    said: str
    fix: str = ""


def examine(env=None):
    """Every finding about the configuration in `env` (default: this process's environment)."""
    env = os.environ if env is None else env
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        return [Finding(FAIL, "configuration", str(exc),
                        "see docs/contract.md §2 for every variable")]
    findings = [*secrets(settings, env), *tls_files(env), data_dir(settings.data_dir),
                *broker(settings), *databases(settings), *smtp(settings)]
    return findings


# --- keys ----------------------------------------------------------------------------------------

def secrets(settings, env):
    if not settings.secret:
        yield Finding(FAIL, "secret", "KRING_SECRET is not set: the services refuse to start "
                      "(only --dev runs without it, on a public development key)",
                      "export KRING_SECRET=$(openssl rand -hex 32)")
    elif len(settings.secret) < MIN_SECRET_LENGTH:
        yield Finding(FAIL, "secret", f"KRING_SECRET has {len(settings.secret)} characters; "
                      f"at least {MIN_SECRET_LENGTH} are needed",
                      "export KRING_SECRET=$(openssl rand -hex 32)")
    else:
        yield Finding(OK, "secret", f"KRING_SECRET is set ({len(settings.secret)} characters)")
        if not env.get("KRING_DATA_KEYS"):
            yield Finding(WARN, "data keys", "KRING_DATA_KEYS is not set: family data is "
                          "sealed under a key derived from KRING_SECRET, so rotating the secret "
                          "means `kring rekey` first", "set KRING_DATA_KEYS (docs/security.md, "
                          "\"Data keys\")")


# --- TLS files -----------------------------------------------------------------------------------

CERTIFICATE_FILES = ("KRING_AMQP_CA_FILE", "KRING_AMQP_CERT_FILE", "KRING_SMTP_CA_FILE")


def tls_files(env, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    for key in CERTIFICATE_FILES:
        if env.get(key):
            yield certificate_finding(key, Path(env[key]), now)
    if env.get("KRING_AMQP_KEY_FILE") and env.get("KRING_AMQP_CERT_FILE"):
        yield key_finding(Path(env["KRING_AMQP_KEY_FILE"]), Path(env["KRING_AMQP_CERT_FILE"]))


def certificate_finding(key, path, now):
    """Whether the certificates in `path` can be read, and how long the first one stays valid."""
    try:
        certificates = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        return Finding(FAIL, key, f"{path} holds no readable PEM certificate ({describe(exc)})",
                       "point it at a PEM file (-----BEGIN CERTIFICATE-----)")
    ends = min(certificate.not_valid_after_utc for certificate in certificates)
    if ends <= now:
        return Finding(FAIL, key, f"{path}: a certificate in it expired on {ends:%Y-%m-%d}",
                       "renew the certificate")
    if ends - now < EXPIRES_SOON:
        return Finding(WARN, key, f"{path}: a certificate in it expires on {ends:%Y-%m-%d}",
                       "renew it before then")
    return Finding(OK, key, f"{path}: {len(certificates)} certificate(s), valid until "
                   f"{ends:%Y-%m-%d}")


def key_finding(key_path, certificate_path):
    try:
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        certificate = x509.load_pem_x509_certificates(certificate_path.read_bytes())[0]
    except (OSError, ValueError, TypeError) as exc:
        return Finding(FAIL, "KRING_AMQP_KEY_FILE", f"{key_path} holds no readable, unencrypted "
                       f"PEM private key ({describe(exc)})", "give the key without a passphrase")
    if private.public_key() != certificate.public_key():
        return Finding(FAIL, "KRING_AMQP_KEY_FILE", f"{key_path} is not the key of "
                       f"{certificate_path}", "give the key that belongs to the certificate")
    return Finding(OK, "KRING_AMQP_KEY_FILE", f"{key_path} belongs to {certificate_path}")


# --- the data directory --------------------------------------------------------------------------

def data_dir(folder):
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Finding(FAIL, "data directory", f"{folder} cannot be written ({describe(exc)})",
                       "make KRING_DATA_DIR a folder the services' user may write")
    return Finding(OK, "data directory", f"{folder} can be written")


# --- the broker ----------------------------------------------------------------------------------

def broker(settings):
    from kring.kit.broker import connect
    shown = _without_password(settings.amqp_uri)
    address = urlparse(settings.amqp_uri)
    try:
        connection = connect(settings.amqp_uri, settings.amqp_ssl,
                             connect_timeout=CONNECT_TIMEOUT_SECONDS)
        connection.ensure_connection(max_retries=1)
    except Exception as exc:
        hint = ("check KRING_AMQP_CA_FILE and that the broker's certificate names "
                f"{address.hostname}" if address.scheme == "amqps"
                else "is RabbitMQ running there, and are the user and password right?")
        yield Finding(FAIL, "broker", f"{shown} does not answer: {describe(exc)}", hint)
        return
    try:
        yield Finding(OK, "broker", f"{shown} answers" + (" over TLS" if settings.amqp_ssl
                                                          or address.scheme == "amqps" else ""))
        if address.scheme != "amqps" and address.hostname not in LOOPBACK_HOSTS:
            yield Finding(WARN, "broker", "AMQP to another machine goes in the clear",
                          "use amqps:// (README, \"Encryption in transit\")")
        yield definitions(connection)
    finally:
        connection.release()


def definitions(connection):
    """The exchanges and queues the services use exist (loaded from the broker definitions, or
    declared by an earlier start): asked passively, so nothing is created."""
    missing = []
    names = [("exchange", events_exchange_name(source))
             for source in sorted({subscription[2] for subscription in SUBSCRIPTIONS})]
    names += [("queue", queue_name(consumer, handler, source))
              for consumer, handler, source, _ in SUBSCRIPTIONS]
    names += [("queue", dead_letter_queue_name(consumer))
              for consumer in sorted({subscription[0] for subscription in SUBSCRIPTIONS})]
    for kind, name in names:
        channel = connection.channel()
        try:
            if kind == "exchange":
                channel.exchange_declare(name, "topic", passive=True)
            else:
                channel.queue_declare(name, passive=True)
        except Exception:
            missing.append(name)
        finally:
            _close(channel)
    if missing:
        return Finding(FAIL, "definitions", f"the broker lacks {len(missing)} of the "
                       f"{len(names)} exchanges and queues the services use, e.g. {missing[0]}",
                       "load deploy/rabbitmq/definitions.json into the broker (compose and "
                       "Kubernetes do it at start), or start `kring run` once: it declares them")
    return Finding(OK, "definitions", f"all {len(names)} exchanges and queues the services use "
                   "exist")


def _close(channel):
    if channel.is_open:  # after a 404 the broker has closed it already
        channel.close()


# --- databases -----------------------------------------------------------------------------------

def databases(settings):
    from kring.kit.db import make_engine
    for service in SERVICES:
        url = settings.databases[service]
        shown = _without_password(url)
        engine = make_engine(url)
        try:
            with engine.connect() as db:
                db.execute(text("SELECT 1"))
        except Exception as exc:
            engine.dispose()
            yield Finding(FAIL, f"database {service}", f"{shown} does not answer: "
                          f"{describe(exc)}", f"check KRING_DB_{service.upper()}")
            continue
        yield Finding(OK, f"database {service}", f"{shown} answers")
        try:
            yield schema_finding(service, engine)
        finally:
            engine.dispose()
        address = urlparse(url)
        if address.scheme.startswith("postgres") \
                and address.hostname not in LOOPBACK_HOSTS + (None,) \
                and "sslmode=verify-full" not in (address.query or ""):
            yield Finding(WARN, f"database {service}", "the connection's certificate and name "
                          "are not checked (no sslmode=verify-full)",
                          "add ?sslmode=verify-full&sslrootcert=CA.pem to the URL")


def schema_finding(service, engine):
    """Whether the database's schema is at this version's newest revision (services bring it
    there as they start; an operator upgrading runs `kring migrate` first)."""
    from kring.kit import migrations
    try:
        at, newest, known = migrations.status(engine, service)
    except Exception as exc:
        return Finding(FAIL, f"schema {service}", f"its revision cannot be read: "
                       f"{describe(exc)}", f"check KRING_DB_{service.upper()}")
    if at == newest:
        return Finding(OK, f"schema {service}", f"at the newest revision ({newest})")
    if at is None:
        return Finding(WARN, f"schema {service}", "no revision recorded: a new database, or "
                       "one made before migrations", "`kring migrate` (or the first start) "
                       "makes or upgrades it; take a backup first (README \"Upgrading\")")
    if not known:
        return Finding(FAIL, f"schema {service}", f"at revision {at}, which this version does "
                       "not know: a newer version of Kring has migrated it",
                       "run that version, or restore the backup taken before the upgrade")
    return Finding(WARN, f"schema {service}", f"at revision {at}; this version's newest is "
                   f"{newest}", "take a backup, then `kring migrate` (README \"Upgrading\")")


# --- the mail server -----------------------------------------------------------------------------

def smtp(settings):
    config = settings.smtp
    if not config:
        yield Finding(WARN, "smtp", f"KRING_SMTP_HOST is not set: notices are written as .eml "
                      f"files under {settings.data_dir / 'notices'}, and nobody receives them",
                      "set KRING_SMTP_HOST (docs/contract.md §2)")
        return
    where = f"{config['host']}:{config['port']}"
    context = ssl.create_default_context(cafile=config.get("ca_file"))
    try:
        if config["tls"] == "tls":
            server = smtplib.SMTP_SSL(config["host"], config["port"],
                                      timeout=CONNECT_TIMEOUT_SECONDS, context=context)
        else:
            server = smtplib.SMTP(config["host"], config["port"],
                                  timeout=CONNECT_TIMEOUT_SECONDS)
    except Exception as exc:
        yield Finding(FAIL, "smtp", f"{where} does not answer: {describe(exc)}",
                      "check KRING_SMTP_HOST and KRING_SMTP_PORT")
        return
    try:
        server.ehlo()
        if config["tls"] == "starttls":
            if not server.has_extn("starttls"):
                yield Finding(FAIL, "smtp", f"{where} offers no STARTTLS, and KRING_SMTP_TLS="
                              "starttls requires it: no notice would go",
                              "use a server with TLS; KRING_SMTP_TLS=none only for a mail "
                              "catcher on a private network")
                return
            server.starttls(context=context)
            server.ehlo()
        if config.get("username"):
            server.login(config["username"], config["password"])
        how = {"none": "in plain SMTP", "starttls": "over STARTTLS", "tls": "over SMTPS"}
        yield Finding(OK, "smtp", f"{where} answers {how[config['tls']]}"
                      + (", and the login works" if config.get("username") else ""))
    except Exception as exc:
        yield Finding(FAIL, "smtp", f"{where}: {describe(exc)}",
                      "check KRING_SMTP_CA_FILE (the server's certificate and name) and the "
                      "login")
    finally:
        try:
            server.quit()
        except Exception:
            server.close()


def _without_password(url):
    address = urlparse(url)
    if address.password is None:
        return url
    return url.replace(f":{address.password}@", ":***@", 1)


def report(findings):
    """The findings as the operator reads them; and the exit code (1 when any failed)."""
    lines = []
    for finding in findings:
        lines.append(f"{finding.level:<5} {finding.topic:<18} {finding.said}")
        if finding.fix and finding.level != OK:
            lines.append(f"{'':<24} fix: {finding.fix}")
    failed = sum(finding.level == FAIL for finding in findings)
    warned = sum(finding.level == WARN for finding in findings)
    lines.append(f"{failed} failed, {warned} to look at, "
                 f"{len(findings) - failed - warned} fine")
    return "\n".join(lines), 1 if failed else 0
