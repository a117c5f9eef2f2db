"""Designers: one working draft per process; versions record their source (file or designer) and may repeat an
older content (a rollback publishes it again under a new number)

Revision ID: 2727d86436d7
Revises: a3c1d2e4f5b6
Create Date: 2026-11-25 23:47:11.585722

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = '2727d86436d7'
down_revision = 'a3c1d2e4f5b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('bpmn_xml', sa.Text(), nullable=False),
    sa.Column('forms', sa.JSON(), nullable=False),
    sa.Column('based_on_version_id', sa.Integer(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('checked', sa.Boolean(), nullable=False),
    sa.Column('updated_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['based_on_version_id'], ['process_version.id'], name=op.f('fk_process_draft_based_on_version_id_process_version')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_process_draft_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft')),
    sa.UniqueConstraint('process_id', name=op.f('uq_process_draft_process_id'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='file', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_process_version_process_id_content_sha256'), type_='unique')



def downgrade():
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_process_version_process_id_content_sha256'), ['process_id', 'content_sha256'])
        batch_op.drop_column('source')

    op.drop_table('process_draft')
