"""Replay checks: the outcome of replaying each instance from the audit chain

Revision ID: 7306ae46c35c
Revises: 374324fb5379
Create Date: 2026-11-25 22:18:51.274047

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = '7306ae46c35c'
down_revision = '374324fb5379'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('replay_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('matches', sa.Boolean(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('divergent_seq', sa.Integer(), nullable=True),
    sa.Column('problem', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_replay_check_checked_by_id_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_replay_check_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_replay_check'))
    )
    with op.batch_alter_table('replay_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replay_check_instance_id'), ['instance_id'], unique=False)



def downgrade():
    with op.batch_alter_table('replay_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replay_check_instance_id'))

    op.drop_table('replay_check')
