"""The matching service's schema as it stood when migrations came: every table, in full.

Revision ID: 40b092f9c95b
Revises:
Create Date: 2026-11-30 16:19:44.167567
"""
import sqlalchemy as sa
from alembic import op

revision = '40b092f9c95b'
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
    sa.Table('inbox', metadata,
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('handler', sa.String(length=64), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('event_id', 'handler')
    )
    sa.Table('matching_referrals', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=True),
        sa.Column('municipality', sa.String(length=100), nullable=True),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('domains', sa.JSON(), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=True),
        sa.Column('family_key', sa.String(length=128), nullable=True),
        sa.Column('received_at', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=True),
        sa.Column('coordinator_org', sa.String(length=128), nullable=True),
        sa.Column('waitlisted_at', sa.String(length=40), nullable=True),
        sa.Column('declined_supporters', sa.JSON(), nullable=False),
        sa.Column('proposal_id', sa.String(length=36), nullable=True),
        sa.Column('supporter_id', sa.String(length=36), nullable=True),
        sa.Column('holds_capacity', sa.Boolean(), nullable=False),
        sa.Column('ended_at', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_matching_referrals_family_key',
             tables['matching_referrals'].c.family_key,
             unique=False)
    sa.Index('ix_matching_referrals_status', tables['matching_referrals'].c.status, unique=False)
    sa.Index('ix_matching_referrals_supporter_id',
             tables['matching_referrals'].c.supporter_id,
             unique=False)
    sa.Table('matchmaker_lock', metadata,
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint('id')
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
    sa.Table('proposals', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('supporter_id', sa.String(length=36), nullable=False),
        sa.Column('supporter_name', sa.String(length=200), nullable=False),
        sa.Column('supporter_kind', sa.String(length=16), nullable=False),
        sa.Column('score', sa.Integer(), nullable=False),
        sa.Column('reasons', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('made_at', sa.String(length=40), nullable=False),
        sa.Column('closed_at', sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_proposals_status', tables['proposals'].c.status, unique=False)
    sa.Index('ix_proposals_supporter_id', tables['proposals'].c.supporter_id, unique=False)
    sa.Index('uq_one_open_proposal',
             tables['proposals'].c.referral_id,
             unique=True,
             sqlite_where=sa.text("status = 'open'"),
             postgresql_where=sa.text("status = 'open'"))
    sa.Table('retention', metadata,
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Index('ix_retention_closed_at', tables['retention'].c.closed_at, unique=False)
    sa.Table('supporters', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('organisation', sa.String(length=128), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('programmes', sa.JSON(), nullable=False),
        sa.Column('languages', sa.JSON(), nullable=False),
        sa.Column('municipalities', sa.JSON(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('expertise', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('registered_at', sa.String(length=40), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('position')
    )
    return metadata


def upgrade():
    schema().create_all(op.get_bind())


def downgrade():
    schema().drop_all(op.get_bind())
