"""Liên thông: updates (BussinessDocType 2) of received documents, waiting for or decided by the clerk

Revision ID: 8d3f1b6a2c90
Revises: 5c3e9a71d2b4
Create Date: 2026-12-06 01:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "8d3f1b6a2c90"
down_revision = "5c3e9a71d2b4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sender_code", sa.String(length=64), nullable=False),
        sa.Column("sender_name", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("previous", sa.JSON(), nullable=False),
        sa.Column("new_file", sa.JSON(), nullable=True),
        sa.Column("fields_info", sa.JSON(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_document_update_document_id_document")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"],
                                name=op.f("fk_document_update_instance_id_process_instance")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], name=op.f("fk_document_update_decided_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_update")),
        sa.UniqueConstraint("document_id", "package_sha256", name=op.f("uq_document_update_document_id_package_sha256")),
    )
    with op.batch_alter_table("document_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_update_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_update_instance_id"), ["instance_id"], unique=False)


def downgrade():
    with op.batch_alter_table("document_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_update_instance_id"))
        batch_op.drop_index(batch_op.f("ix_document_update_document_id"))
    op.drop_table("document_update")
