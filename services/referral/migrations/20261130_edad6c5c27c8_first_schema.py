"""The referral service's schema as it stood when migrations came: every table, in full.

Revision ID: edad6c5c27c8
Revises:
Create Date: 2026-11-30 16:19:42.310121
"""
import sqlalchemy as sa
from alembic import op

revision = 'edad6c5c27c8'
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
    sa.Table('erasure_reports', metadata,
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('service', sa.String(length=32), nullable=False),
        sa.Column('erased_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('referral_id', 'service')
    )
    sa.Table('erasures', metadata,
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('person', sa.String(length=128), nullable=False),
        sa.Column('organisation', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Table('inbox', metadata,
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('handler', sa.String(length=64), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('event_id', 'handler')
    )
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
    sa.Table('partner_messages', metadata,
        sa.Column('partner', sa.String(length=128), nullable=False),
        sa.Column('message_id', sa.String(length=128), nullable=False),
        sa.Column('referral_id', sa.String(length=36), nullable=True),
        sa.Column('errors', sa.JSON(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('partner', 'message_id')
    )
    sa.Table('provider_areas', metadata,
        sa.Column('programme', sa.String(length=64), nullable=False),
        sa.Column('municipality_code', sa.String(length=6), nullable=False),
        sa.Column('organisation', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('programme', 'municipality_code')
    )
    sa.Table('providers', metadata,
        sa.Column('organisation', sa.String(length=128), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('municipalities', sa.JSON(), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('waiting_list', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('organisation', 'programme')
    )
    sa.Table('pseudonym_key', metadata,
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Table('referrals', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('org', sa.String(length=128), nullable=False),
        sa.Column('external_ref', sa.String(length=128), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=False),
        sa.Column('partner', sa.String(length=128), nullable=True),
        sa.Column('coordinating_org', sa.String(length=128), nullable=True),
        sa.Column('municipality_code', sa.String(length=6), nullable=True),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('status_at', sa.String(length=40), nullable=False),
        sa.Column('outcome', sa.String(length=32), nullable=True),
        sa.Column('proposal_id', sa.String(length=36), nullable=True),
        sa.Column('case_id', sa.String(length=36), nullable=True),
        sa.Column('aftercare_id', sa.String(length=36), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('timeline', sa.JSON(), nullable=False),
        sa.Column('erased_at', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('org', 'external_ref', name='uq_referral_org_ref')
    )
    sa.Index('ix_referrals_status', tables['referrals'].c.status, unique=False)
    sa.Table('refused_submissions', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('partner', sa.String(length=128), nullable=True),
        sa.Column('message_id', sa.String(length=128), nullable=True),
        sa.Column('content_type', sa.String(length=128), nullable=True),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('body_size', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_refused_submissions_received_at',
             tables['refused_submissions'].c.received_at,
             unique=False)
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
