"""Signing in: one-time links (`kring login-link`), sessions, signing out.

A link's token and a session's id are 32 random bytes; the database keeps only their SHA-256,
so neither a backup nor a leaked copy of it signs anybody in. A link works once, for 15
minutes; a session carries the identity a token does (organisation, role, person) for as long
as a token may live by default (a working day), and the API sees it as a short-lived token
made for each call (services/portal/api.py).
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update

from kring.clock import utcnow
from kring.config import LOOPBACK_HOSTS
from kring.contracts.access import ROLES
from kring.kit.auth import DEFAULT_TTL_SECONDS, _is_name
from services.portal.models import sessions, sign_in_links

LINK_MINUTES = 15
SESSION_SECONDS = DEFAULT_TTL_SECONDS
LOGIN_PATH = "/login/"


@dataclass(frozen=True)
class Session:
    org: str
    role: str
    subject: str
    csrf: str


def new_secret():
    return secrets.token_urlsafe(32)


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def check_identity(org, role, subject):
    """The same names a token accepts (kring.kit.auth), said before anything is stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    for name, value in (("organisation", org), ("subject", subject)):
        if not _is_name(value):
            raise ValueError(f"{name} must be 1 to 128 printable characters")


def create_link(engine, org, role, subject, now=None):
    """A new one-time link's token (only its hash is stored)."""
    check_identity(org, role, subject)
    now = now or utcnow()
    token = new_secret()
    with engine.begin() as db:
        db.execute(insert(sign_in_links).values(
            token_hash=digest(token), org=org, role=role, subject=subject, created_at=now,
            expires_at=now + timedelta(minutes=LINK_MINUTES)))
    return token


def link_identity(engine, token, now=None):
    """(org, role, subject) of a link that still works, else None; the link is not used."""
    with engine.connect() as db:
        row = db.execute(select(sign_in_links).where(
            sign_in_links.c.token_hash == digest(token))).first()
    if row is None or row.used_at is not None or _aware(row.expires_at) <= (now or utcnow()):
        return None
    return row.org, row.role, row.subject


def redeem_link(engine, token, now=None):
    """Use the link once: a new session's (cookie value, Session), or None when the link is
    unknown, used or expired. The update that marks it used is the check, so two clicks at
    once make one session."""
    now = now or utcnow()
    token_hash = digest(token)
    with engine.begin() as db:
        used = db.execute(update(sign_in_links).where(
            sign_in_links.c.token_hash == token_hash, sign_in_links.c.used_at.is_(None),
            sign_in_links.c.expires_at > now).values(used_at=now))
        if used.rowcount != 1:
            return None
        row = db.execute(select(sign_in_links).where(
            sign_in_links.c.token_hash == token_hash)).first()
        cookie, csrf = new_secret(), new_secret()
        db.execute(insert(sessions).values(
            session_hash=digest(cookie), org=row.org, role=row.role, subject=row.subject,
            csrf=csrf, created_at=now, expires_at=now + timedelta(seconds=SESSION_SECONDS)))
        db.execute(delete(sign_in_links).where(sign_in_links.c.expires_at < now))
    return cookie, Session(row.org, row.role, row.subject, csrf)


def find_session(engine, cookie, now=None):
    if not cookie:
        return None
    with engine.connect() as db:
        row = db.execute(select(sessions).where(
            sessions.c.session_hash == digest(cookie))).first()
    if row is None or _aware(row.expires_at) <= (now or utcnow()):
        return None
    return Session(row.org, row.role, row.subject, row.csrf)


def end_session(engine, cookie, now=None):
    with engine.begin() as db:
        db.execute(delete(sessions).where(sessions.c.session_hash == digest(cookie)))
        db.execute(delete(sessions).where(sessions.c.expires_at < (now or utcnow())))


def _aware(moment):
    """SQLite gives the instant back without its zone; every instant here is UTC."""
    from datetime import timezone
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def cookie_is_secure(scheme, host):
    """Secure, except for plain http to this machine itself (development and tests): a browser
    keeps a Secure cookie from http://localhost, but not every client does
    (docs/contract.md §4 "The portal")."""
    name = host.rsplit(":", 1)[0].strip("[]") if host.count(":") <= 1 or host.startswith("[") \
        else host
    return not (scheme == "http" and name in LOOPBACK_HOSTS)


def issue_link(settings, org, role, subject):
    """`kring login-link`: the link, from the portal's database of `settings`."""
    from kring.kit.db import make_engine
    from kring.kit.migrations import migrate
    check_identity(org, role, subject)
    engine = make_engine(settings.databases["portal"])
    try:
        migrate(engine, "portal")
        token = create_link(engine, org, role, subject)
    finally:
        engine.dispose()
    base = settings.portal_url or f"http://localhost:{settings.http_port}"
    return f"{base}{LOGIN_PATH}{token}"
