"""The portal's own tables: one-time sign-in links and sessions. No family data: who is signed
in (organisation, role, person) and until when; the secrets only as their SHA-256, so a copy
of the database signs nobody in."""
from sqlalchemy import Column, DateTime, MetaData, String, Table

metadata = MetaData()

sign_in_links = Table(
    "sign_in_links", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("org", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
    Column("used_at", DateTime(timezone=True), nullable=True),  # once: then never again
)

sessions = Table(
    "sessions", metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("org", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("subject", String(128), nullable=False),
    # the per-session token every POST form carries (services/portal/csrf.py)
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
