"""Interrupted signatures waiting for an external key holder (app.signing.external)

Revision ID: f070afa85800
Revises: d04242c741c0
Create Date: 2026-11-25 21:37:33.433067

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes


# revision identifiers, used by Alembic.
revision = 'f070afa85800'
down_revision = 'd04242c741c0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_signature',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('form_data', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('reserved_start', sa.Integer(), nullable=False),
    sa.Column('reserved_end', sa.Integer(), nullable=False),
    sa.Column('document_digest', sa.LargeBinary(), nullable=False),
    sa.Column('signed_attributes', sa.LargeBinary(), nullable=False),
    sa.Column('certificate', sa.LargeBinary(), nullable=False),
    sa.Column('chain', sa.JSON(), nullable=False),
    sa.Column('created_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.Column('expires_at', app.sqltypes.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_pending_signature_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_signature'))
    )
    with op.batch_alter_table('pending_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_signature_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_signature_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pending_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_signature_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_signature_expires_at'))

    op.drop_table('pending_signature')
