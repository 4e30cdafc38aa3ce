"""Partner messages found by their referral: an index, for a referral's export and erasure,
which look up its partner messages by referral_id (services/referral/models.py).

Revision ID: d4c7fa341152
Revises: edad6c5c27c8
Create Date: 2026-11-30 16:20:11.991463
"""
from alembic import op

revision = 'd4c7fa341152'
down_revision = 'edad6c5c27c8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partner_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_messages_referral_id'), ['referral_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('partner_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_messages_referral_id'))
