"""Received edXML packages: original bytes, sender's DocumentId, warnings, header signature verdict

Revision ID: e2b4c6d8f0a1
Revises: d1a5e3c7b9f2
Create Date: 2026-12-06 01:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e2b4c6d8f0a1"
down_revision = "d1a5e3c7b9f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "received_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sender_code", sa.String(length=64), nullable=False),
        sa.Column("edxml_document_id", sa.String(length=255), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("signature", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_received_package_agency_id_agency")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_received_package_document_id_document")),
        sa.ForeignKeyConstraint(["received_by_id"], ["user.id"], name=op.f("fk_received_package_received_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_package")),
        sa.UniqueConstraint("agency_id", "sender_code", "edxml_document_id",
                            name=op.f("uq_received_package_agency_id_sender_code_edxml_document_id")),
    )
    with op.batch_alter_table("received_package") as batch_op:
        batch_op.create_index(batch_op.f("ix_received_package_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_received_package_document_id"), ["document_id"])


def downgrade():
    op.drop_table("received_package")
