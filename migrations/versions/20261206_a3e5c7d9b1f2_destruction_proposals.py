"""Destruction proposals: dossiers past their retention period, for a leader's decision

Revision ID: a3e5c7d9b1f2
Revises: c1a5e0d7b3f2
Create Date: 2026-12-06 07:20:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "a3e5c7d9b1f2"
down_revision = "c1a5e0d7b3f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "destruction_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("retention_ended_on", sa.Date(), nullable=False),
        sa.Column("proposed_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("decided_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("keep_until_year", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("state IN ('proposed', 'kept', 'approved')",
                           name=op.f("ck_destruction_proposal_state_known")),
        sa.CheckConstraint("state != 'kept' OR keep_until_year IS NOT NULL",
                           name=op.f("ck_destruction_proposal_kept_has_year")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_destruction_proposal_agency_id_agency")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user.id"], name=op.f("fk_destruction_proposal_decided_by_id_user")),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name=op.f("fk_destruction_proposal_dossier_id_dossier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_proposal")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_destruction_proposal_dossier_id")),
    )
    op.create_index("ix_destruction_proposal_agency_id", "destruction_proposal", ["agency_id"])


def downgrade():
    op.drop_index("ix_destruction_proposal_agency_id", table_name="destruction_proposal")
    op.drop_table("destruction_proposal")
