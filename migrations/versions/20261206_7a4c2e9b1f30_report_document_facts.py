"""Report facts: one row per document with the working days of its steps, and the refresh mark

Revision ID: 7a4c2e9b1f30
Revises: 3e6a1c8b5d47
Create Date: 2026-12-06 03:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7a4c2e9b1f30"
down_revision = "3e6a1c8b5d47"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_fact",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("doc_type", sa.String(length=8), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("axis", sa.Boolean(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.String(length=2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("completed_day", sa.Date(), nullable=True),
        sa.Column("registration_days", sa.Integer(), nullable=True),
        sa.Column("assignment_days", sa.Integer(), nullable=True),
        sa.Column("completion_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_document_fact_agency_id_agency")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_document_fact_department_id_department")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_document_fact_document_id_document"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_document_fact_user_id_user")),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_document_fact")),
    )
    with op.batch_alter_table("document_fact") as batch_op:
        batch_op.create_index("ix_document_fact_day", ["day", "agency_id"])
        batch_op.create_index("ix_document_fact_agency_day", ["agency_id", "day"])
    # What the refresh job reads since its last run: an index each, so a run does not scan years of rows.
    with op.batch_alter_table("document") as batch_op:
        batch_op.create_index("ix_document_received_at", ["received_at"])
    with op.batch_alter_table("status_change") as batch_op:
        batch_op.create_index(batch_op.f("ix_status_change_at"), ["at"])
    with op.batch_alter_table("document_note") as batch_op:
        batch_op.create_index(batch_op.f("ix_document_note_at"), ["at"])
    with op.batch_alter_table("outgoing_draft") as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_draft_released_at"), ["released_at"])
    op.create_table(
        "fact_refresh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("calendar_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fact_refresh")),
    )


def downgrade():
    op.drop_table("fact_refresh")
    for table, index in (("outgoing_draft", "ix_outgoing_draft_released_at"), ("document_note", "ix_document_note_at"),
                         ("status_change", "ix_status_change_at"), ("document", "ix_document_received_at")):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(index)
    op.drop_table("document_fact")
