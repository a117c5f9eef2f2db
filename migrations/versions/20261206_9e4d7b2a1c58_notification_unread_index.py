"""Notifications: a partial index on the unread ones, for the navbar's count on every page

Revision ID: 9e4d7b2a1c58
Revises: 7c3d9e1f5a20
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9e4d7b2a1c58"
down_revision = "7c3d9e1f5a20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_user_unread", "notification", ["user_id"],
                    postgresql_where=sa.text("read_at IS NULL"), sqlite_where=sa.text("read_at IS NULL"))


def downgrade():
    op.drop_index("ix_notification_user_unread", table_name="notification")
