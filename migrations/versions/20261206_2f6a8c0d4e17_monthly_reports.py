"""Monthly reports (each agency's signed report of a month, or why not yet) and recipient facts

Revision ID: 2f6a8c0d4e17
Revises: 9e4d7b2a1c58
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "2f6a8c0d4e17"
down_revision = "9e4d7b2a1c58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "monthly_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("signed_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("signer_subject", sa.String(length=255), nullable=False),
        sa.Column("failure", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("attempted_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_monthly_report_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_report")),
        sa.UniqueConstraint("agency_id", "month", name=op.f("uq_monthly_report_agency_id_month")),
    )
    op.create_table(
        "recipient_fact",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("electronic", sa.Boolean(), nullable=False),
        sa.Column("arrived_day", sa.Date(), nullable=True),
        sa.Column("answered_day", sa.Date(), nullable=True),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["recipient_id"], ["outgoing_recipient.id"], ondelete="CASCADE",
                                name=op.f("fk_recipient_fact_recipient_id_outgoing_recipient")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE",
                                name=op.f("fk_recipient_fact_document_id_document")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_recipient_fact_agency_id_agency")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_recipient_fact_department_id_department")),
        sa.PrimaryKeyConstraint("recipient_id", name=op.f("pk_recipient_fact")),
    )
    op.create_index("ix_recipient_fact_document_id", "recipient_fact", ["document_id"])
    op.create_index("ix_recipient_fact_day_agency", "recipient_fact", ["day", "agency_id"])


def downgrade():
    op.drop_index("ix_recipient_fact_day_agency", table_name="recipient_fact")
    op.drop_index("ix_recipient_fact_document_id", table_name="recipient_fact")
    op.drop_table("recipient_fact")
    op.drop_table("monthly_report")
