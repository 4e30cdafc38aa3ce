"""The aftercare service's schema as it stood when migrations came: every table, in full.

Revision ID: 1a731599415e
Revises:
Create Date: 2026-11-30 16:19:46.864865
"""
import sqlalchemy as sa
from alembic import op

revision = '1a731599415e'
down_revision = None
branch_labels = None
depends_on = None


def schema():
    """The tables at this revision, written out: what upgrade() makes, and what a database made
    by create_all before migrations is brought to before it is stamped as being here
    (kring.kit.migrations.bring_up_to). Never change it: a new revision changes the schema."""
    metadata = sa.MetaData()
    tables = metadata.tables
    sa.Table('aftercare_plans', metadata,
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('severity', sa.String(length=16), nullable=False),
        sa.Column('receiving_kind', sa.String(length=32), nullable=False),
        sa.Column('receiving_name', sa.String(length=200), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('end_notes', sa.Text(), nullable=True),
        sa.Column('coordinator_org', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id')
    )
    sa.Index('ix_aftercare_plans_referral_id',
             tables['aftercare_plans'].c.referral_id,
             unique=False)
    sa.Index('ix_aftercare_plans_status', tables['aftercare_plans'].c.status, unique=False)
    sa.Table('aftercare_withdrawals', metadata,
        sa.Column('referral_id', sa.String(length=36), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('referral_id')
    )
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
    sa.Table('aftercare_contacts', metadata,
        sa.Column('aftercare_id', sa.String(length=36), nullable=False),
        sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('overdue', sa.Boolean(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['aftercare_id'], ['aftercare_plans.id'], ),
        sa.PrimaryKeyConstraint('aftercare_id', 'number')
    )
    sa.Index('ix_aftercare_contacts_due_on', tables['aftercare_contacts'].c.due_on, unique=False)
    return metadata


def upgrade():
    schema().create_all(op.get_bind())


def downgrade():
    schema().drop_all(op.get_bind())
