"""Notifications: what the system tells a person (centre, digest, đôn đốc)

Revision ID: 5b8e2f4a9c61
Revises: c1020ecc2b9f
Create Date: 2026-12-06 06:40:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "5b8e2f4a9c61"
down_revision = "c1020ecc2b9f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("task_uuid", sa.String(length=36), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("read_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("emailed_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_user_created", "notification", ["user_id", "created_at"])
    op.create_index("uq_notification_user_dedupe", "notification", ["user_id", "dedupe_key"], unique=True)


def downgrade():
    op.drop_index("uq_notification_user_dedupe", table_name="notification")
    op.drop_index("ix_notification_user_created", table_name="notification")
    op.drop_table("notification")
