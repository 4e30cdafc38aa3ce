"""The portal's schema as it came: sign-in links and sessions, in full.

Revision ID: 5e1f0a7c2b10
Revises:
Create Date: 2026-11-30 19:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5e1f0a7c2b10'
down_revision = None
branch_labels = None
depends_on = None


def schema():
    """The tables at this revision, written out (kring.kit.migrations reads it). Never change
    it: a new revision changes the schema."""
    metadata = sa.MetaData()
    tables = metadata.tables
    sa.Table('sessions', metadata,
        sa.Column('session_hash', sa.String(length=64), nullable=False),
        sa.Column('org', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=128), nullable=False),
        sa.Column('csrf', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('session_hash')
    )
    sa.Index('ix_sessions_expires_at', tables['sessions'].c.expires_at, unique=False)
    sa.Table('sign_in_links', metadata,
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('org', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('token_hash')
    )
    sa.Index('ix_sign_in_links_expires_at', tables['sign_in_links'].c.expires_at,
             unique=False)
    return metadata


def upgrade():
    schema().create_all(op.get_bind())


def downgrade():
    schema().drop_all(op.get_bind())
