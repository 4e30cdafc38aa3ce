"""The notify service's schema as it stood when migrations came: every table, in full.

Revision ID: 6a55a5f69bbb
Revises:
Create Date: 2026-11-30 16:19:48.813754
"""
import sqlalchemy as sa
from alembic import op

revision = '6a55a5f69bbb'
down_revision = None
branch_labels = None
depends_on = None


def schema():
    """The tables at this revision, written out: what upgrade() makes, and what a database made
    by create_all before migrations is brought to before it is stamped as being here
    (kring.kit.migrations.bring_up_to). Never change it: a new revision changes the schema."""
    metadata = sa.MetaData()
    tables = metadata.tables
    sa.Table('audit', metadata,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('operation', sa.String(length=64), nullable=False),
        sa.Column('referral_id', sa.String(length=64), nullable=True),
        sa.Column('target_id', sa.String(length=64), nullable=True),
        sa.Column('person', sa.String(length=128), nullable=False),
        sa.Column('organisation', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('answer', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_audit_referral_id', tables['audit'].c.referral_id, unique=False)
    sa.Table('consent_withdrawals', metadata,
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('withdrawn_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Table('contacts', metadata,
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('external_ref', sa.String(length=128), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=False),
        sa.Column('email', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('organisation', sa.String(length=256), nullable=False),
        sa.Column('share_status', sa.Boolean(), nullable=False),
        sa.Column('partner', sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Table('inbox', metadata,
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('handler', sa.String(length=64), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('event_id', 'handler')
    )
    sa.Table('notices', metadata,
        sa.Column('notice_id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('occurred_at', sa.String(length=40), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('coordinating_org', sa.String(length=256), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('channel', sa.String(length=8), nullable=True),
        sa.Column('recipient', sa.Text(), nullable=True),
        sa.Column('location', sa.String(length=1000), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('notice_id'),
        sa.UniqueConstraint('referral_id', 'kind', name='uq_notice_referral_kind')
    )
    sa.Index('ix_notices_next_attempt_at', tables['notices'].c.next_attempt_at, unique=False)
    sa.Index('ix_notices_referral_id', tables['notices'].c.referral_id, unique=False)
    sa.Index('ix_notices_status', tables['notices'].c.status, unique=False)
    sa.Table('outbox', metadata,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('event_type', sa.String(length=64), nullable=False),
        sa.Column('referral_id', sa.String(length=64), nullable=True),
        sa.Column('exchange', sa.String(length=128), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id')
    )
    sa.Index('ix_outbox_referral_id', tables['outbox'].c.referral_id, unique=False)
    sa.Index('ix_outbox_sent_at', tables['outbox'].c.sent_at, unique=False)
    sa.Table('retention', metadata,
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Index('ix_retention_closed_at', tables['retention'].c.closed_at, unique=False)
    return metadata


def upgrade():
    schema().create_all(op.get_bind())


def downgrade():
    schema().drop_all(op.get_bind())
