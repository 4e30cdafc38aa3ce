"""A self-signed certificate for the compose stack's gateway, made at its first start so that
the API is served over HTTPS from the first request (docker-compose.yml, `gateway-certificate`).

For development and trials only: a browser or client must be told to trust it (or the
operator mounts a real certificate in its place). An existing certificate is never replaced, so
a client that trusts it keeps trusting it across restarts.
"""
import datetime
import ipaddress
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERTIFICATE, KEY = "tls.crt", "tls.key"  # the names Kubernetes gives a TLS Secret's files
DEFAULT_NAMES = ("localhost", "127.0.0.1")
VALID_DAYS = 365


def ensure(folder, names=DEFAULT_NAMES, now=None):
    """The certificate and key in `folder`: made when either is missing, else left alone.
    Returns True when it made them."""
    folder = Path(folder)
    if (folder / CERTIFICATE).is_file() and (folder / KEY).is_file():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = make(names, now)
    _write(folder / KEY, key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()), mode=0o600)
    _write(folder / CERTIFICATE, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return True


def make(names, now=None):
    """(certificate, private key) for `names`: host names and IP addresses, the first also its
    subject."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0]),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                                            "Kring development gateway")])
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([alternative_name(name) for name in names]),
                       critical=False)
        # its own issuer: a client told to trust this file may treat it as the authority too
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256()))
    return certificate, key


def alternative_name(name):
    """A host name or an IP address, as a certificate names it."""
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _write(path, data, mode):
    """Whole or not at all: a gateway that starts meanwhile never reads half a file."""
    aside = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(aside, path)
