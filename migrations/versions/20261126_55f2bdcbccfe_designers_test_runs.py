"""Designers' test runs: a draft run in a sandbox, apart from every real table

Revision ID: 55f2bdcbccfe
Revises: 2727d86436d7
Create Date: 2026-11-26 00:05:00.121140

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = '55f2bdcbccfe'
down_revision = '2727d86436d7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_test_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('spec_json', sa.Text(), nullable=False),
    sa.Column('state_json', sa.Text(), nullable=False),
    sa.Column('ready', sa.JSON(), nullable=False),
    sa.Column('timers', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name=op.f('fk_process_test_run_started_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_test_run'))
    )
    with op.batch_alter_table('process_test_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_test_run_process_id'), ['process_id'], unique=False)



def downgrade():
    with op.batch_alter_table('process_test_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_test_run_process_id'))

    op.drop_table('process_test_run')
