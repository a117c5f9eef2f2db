"""Email preferences: the kinds of notices each person gets by email, and their digest's day

Revision ID: 7c3d9e1f5a20
Revises: 5b8e2f4a9c61
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "7c3d9e1f5a20"
down_revision = "5b8e2f4a9c61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "email_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.String(length=255), nullable=True),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("digest_claimed_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_email_preference_user_id_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_email_preference")),
    )


def downgrade():
    op.drop_table("email_preference")
