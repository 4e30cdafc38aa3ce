"""The casework service's schema as it stood when migrations came: every table, in full.

Revision ID: ed5fdfc15bfd
Revises:
Create Date: 2026-11-30 16:19:45.437317
"""
import sqlalchemy as sa
from alembic import op

revision = 'ed5fdfc15bfd'
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
    sa.Table('case_withdrawals', metadata,
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Table('cases', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('supporter_id', sa.String(length=64), nullable=False),
        sa.Column('supporter_kind', sa.String(length=32), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=False),
        sa.Column('coordinator_org', sa.String(length=128), nullable=False),
        sa.Column('opened_at', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('plan', sa.JSON(), nullable=True),
        sa.Column('evaluation', sa.JSON(), nullable=True),
        sa.Column('handover', sa.JSON(), nullable=True),
        sa.Column('withdrawn_at', sa.String(length=40), nullable=True),
        sa.Column('past_rounds', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('referral_id')
    )
    sa.Index('ix_cases_status', tables['cases'].c.status, unique=False)
    sa.Index('ix_cases_supporter_id', tables['cases'].c.supporter_id, unique=False)
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
    sa.Table('retention', metadata,
        sa.Column('referral_id', sa.String(length=64), nullable=False),
        sa.Column('programme', sa.String(length=64), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('referral_id')
    )
    sa.Index('ix_retention_closed_at', tables['retention'].c.closed_at, unique=False)
    sa.Table('case_safety_concerns', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('immediate', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.String(length=16), nullable=False),
        sa.Column('recorded_by_person', sa.String(length=128), nullable=True),
        sa.Column('recorded_at', sa.String(length=40), nullable=False),
        sa.Column('resolved_at', sa.String(length=40), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_case_safety_concerns_case_id',
             tables['case_safety_concerns'].c.case_id,
             unique=False)
    sa.Table('case_visits', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('visited_on', sa.Date(), nullable=False),
        sa.Column('hours', sa.Float(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('logged_by', sa.String(length=16), nullable=False),
        sa.Column('logged_by_person', sa.String(length=128), nullable=True),
        sa.Column('logged_at', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    sa.Index('ix_case_visits_case_id', tables['case_visits'].c.case_id, unique=False)
    return metadata


def upgrade():
    schema().create_all(op.get_bind())


def downgrade():
    schema().drop_all(op.get_bind())
