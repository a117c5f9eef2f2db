"""Audit anchors: the chain head signed and timestamped by the installation key

Revision ID: 374324fb5379
Revises: f7567f2b666e
Create Date: 2026-11-25 21:56:11.737616

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = '374324fb5379'
down_revision = 'f7567f2b666e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('signature', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor'))
    )
    with op.batch_alter_table('audit_anchor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_anchor_seq'), ['seq'], unique=False)



def downgrade():
    with op.batch_alter_table('audit_anchor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_anchor_seq'))

    op.drop_table('audit_anchor')
