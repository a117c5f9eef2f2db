"""Dossier hand-over: when a dossier was handed over to the agency archive, and by which package

Revision ID: b7d2f4a6c8e1
Revises: a3e5c7d9b1f2
Create Date: 2026-12-06 07:45:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "b7d2f4a6c8e1"
down_revision = "a3e5c7d9b1f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.add_column(sa.Column("handed_over_at", app.sqltypes.UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column("handover_package_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("dossier") as batch_op:
        batch_op.drop_column("handover_package_id")
        batch_op.drop_column("handed_over_at")
