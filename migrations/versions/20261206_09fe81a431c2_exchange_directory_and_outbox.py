"""Liên thông: external agencies directory, outbox and inbox messages

Revision ID: 09fe81a431c2
Revises: e2b4c6d8f0a1
Create Date: 2026-12-06 00:54:17.240438

"""
import sqlalchemy as sa
from alembic import op

revision = "09fe81a431c2"
down_revision = "e2b4c6d8f0a1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "external_agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("parent_code", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_agency")),
        sa.UniqueConstraint("code", name=op.f("uq_external_agency_code"))
    )
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String(length=128), nullable=False),
        sa.Column("package", sa.LargeBinary(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("document_ids", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("acked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('received', 'imported', 'refused')", name=op.f("ck_inbox_message_state_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint("remote_id", name=op.f("uq_inbox_message_remote_id"))
    )
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("recipient_codes", sa.JSON(), nullable=False),
        sa.Column("package", sa.LargeBinary(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("remote_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('edoc', 'status')", name=op.f("ck_outbox_message_kind_known")),
        sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'dead', 'cancelled')", name=op.f("ck_outbox_message_state_known")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_outbox_message_agency_id_agency")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_outbox_message_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message"))
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_message_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_outbox_message_due", ["state", "next_try_at"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_message_due")
        batch_op.drop_index(batch_op.f("ix_outbox_message_document_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_agency_id"))

    op.drop_table("outbox_message")
    op.drop_table("inbox_message")
    op.drop_table("external_agency")
