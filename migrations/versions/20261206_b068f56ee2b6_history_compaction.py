"""Compacted process history of archived cases; the index the package's process events are found by

Revision ID: b068f56ee2b6
Revises: 5c1e9a7b3d42
Create Date: 2026-12-06 09:45:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "b068f56ee2b6"
down_revision = "5c1e9a7b3d42"
branch_labels = None
depends_on = None

# The same text as app.audit.models.INSTANCE_INDEX_EXPRESSION (the query's expression, spelt alike).
INSTANCE_INDEX_EXPRESSION = {"postgresql": "(data ->> 'instance_id')",
                             "sqlite": "CAST(json_extract(data, '$.instance_id') AS TEXT)"}


def upgrade():
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("history_compacted_at", app.sqltypes.UtcDateTime(), nullable=True))
    expression = INSTANCE_INDEX_EXPRESSION.get(op.get_bind().dialect.name)
    if expression is not None:
        op.create_index("ix_audit_event_instance_id", "audit_event", [sa.text(expression)])


def downgrade():
    if op.get_bind().dialect.name in INSTANCE_INDEX_EXPRESSION:
        op.drop_index("ix_audit_event_instance_id", table_name="audit_event")
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_column("history_compacted_at")
