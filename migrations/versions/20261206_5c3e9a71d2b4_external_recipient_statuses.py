"""Liên thông: each external recipient's status timeline (status packages received)

Revision ID: 5c3e9a71d2b4
Revises: 5a7c9e1b3d2f
Create Date: 2026-12-06 01:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5c3e9a71d2b4"
down_revision = "5a7c9e1b3d2f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "external_recipient_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("staff", sa.String(length=255), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["outgoing_recipient.id"],
                                name=op.f("fk_external_recipient_status_recipient_id_outgoing_recipient")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_recipient_status")),
        sa.UniqueConstraint("recipient_id", "code", "at", name=op.f("uq_external_recipient_status_recipient_id_code_at")),
    )
    with op.batch_alter_table("external_recipient_status", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_recipient_status_recipient_id"), ["recipient_id"], unique=False)


def downgrade():
    with op.batch_alter_table("external_recipient_status", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_recipient_status_recipient_id"))
    op.drop_table("external_recipient_status")
