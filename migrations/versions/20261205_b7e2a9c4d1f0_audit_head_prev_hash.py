"""Audit chain head: the hash before the last append (one-statement appends on PostgreSQL)

Revision ID: b7e2a9c4d1f0
Revises: 55f2bdcbccfe
Create Date: 2026-12-05 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7e2a9c4d1f0"
down_revision = "55f2bdcbccfe"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_chain_head") as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_chain_head") as batch_op:
        batch_op.drop_column("prev_hash")
