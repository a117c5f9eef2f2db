"""Report facts: an index on status and day, so the backlog chart reads only the documents still open

Revision ID: c1020ecc2b9f
Revises: 7a4c2e9b1f30
Create Date: 2026-12-06 04:30:00

"""
from alembic import op

revision = "c1020ecc2b9f"
down_revision = "7a4c2e9b1f30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document_fact") as batch_op:
        batch_op.create_index("ix_document_fact_status_day", ["status_code", "day"])


def downgrade():
    with op.batch_alter_table("document_fact") as batch_op:
        batch_op.drop_index("ix_document_fact_status_day")
