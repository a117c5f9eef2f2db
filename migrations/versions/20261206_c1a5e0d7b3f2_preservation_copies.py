"""Preservation copies: the PDF/A-2b rendition of each file of a closed dossier, kept beside the original

Revision ID: c1a5e0d7b3f2
Revises: d701e7058b16
Create Date: 2026-12-06 07:40:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "c1a5e0d7b3f2"
down_revision = "d701e7058b16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preservation_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_file_id", sa.Integer(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdfa_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdfa_size", sa.Integer(), nullable=True),
        sa.Column("converter", sa.String(length=64), nullable=False),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("made_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_file_id"], ["document_file.id"],
                                name=op.f("fk_preservation_copy_document_file_id_document_file")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_preservation_copy_dossier_id_dossier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preservation_copy")),
        sa.UniqueConstraint("document_file_id", name=op.f("uq_preservation_copy_document_file_id")),
    )
    with op.batch_alter_table("preservation_copy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preservation_copy_dossier_id"), ["dossier_id"], unique=False)


def downgrade():
    with op.batch_alter_table("preservation_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preservation_copy_dossier_id"))
    op.drop_table("preservation_copy")
