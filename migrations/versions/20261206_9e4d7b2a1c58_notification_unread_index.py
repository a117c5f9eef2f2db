"""Notifications: a partial index on the unread ones, for the navbar's count on every page

Revision ID: 9e4d7b2a1c58
Revises: 5b8e2f4a9c61
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9e4d7b2a1c58"
down_revision = "5b8e2f4a9c61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_user_unread", "notification", ["user_id"],
                    postgresql_where=sa.text("read_at IS NULL"), sqlite_where=sa.text("read_at IS NULL"))


def downgrade():
    op.drop_index("ix_notification_user_unread", table_name="notification")
