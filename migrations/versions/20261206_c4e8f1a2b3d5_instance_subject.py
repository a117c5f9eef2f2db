"""Process instances name their subject (e.g. the document they handle)

Operators, the inbox and signing found "their" document through task data, which is user input; the
instance now names it, set when the subject comes into being and never from a completion's data.

Revision ID: c4e8f1a2b3d5
Revises: b7e2a9c4d1f0
Create Date: 2026-12-06 00:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = "c4e8f1a2b3d5"
down_revision = "b7e2a9c4d1f0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("subject_type", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("subject_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_process_instance_subject", ["subject_type", "subject_id"])
    bind = op.get_bind()
    # A document's own process (incoming handling, outgoing drafting) is named by the document.
    bind.execute(sa.text(
        "UPDATE process_instance SET subject_type = 'document', subject_id = ("
        " SELECT CAST(MIN(d.id) AS VARCHAR(64)) FROM document d WHERE d.instance_id = process_instance.id)"
        " WHERE EXISTS (SELECT 1 FROM document d WHERE d.instance_id = process_instance.id)"))
    # The others (a recall request at the recipient) were started with their subject in the start data,
    # which the instance_started event keeps.
    rows = bind.execute(sa.text(
        "SELECT p.id, e.data FROM process_instance p JOIN audit_event e ON e.event_type = 'instance_started'"
        " AND e.subject_type = 'process_instance' AND e.subject_id = CAST(p.id AS VARCHAR(64))"
        " WHERE p.subject_type IS NULL")).all()
    for instance_id, text in rows:
        data = (json.loads(text) if isinstance(text, str) else text or {}).get("data") or {}
        if data.get("subject_type") and data.get("subject_id") is not None:
            bind.execute(sa.text("UPDATE process_instance SET subject_type = :t, subject_id = :s WHERE id = :id"),
                         {"t": str(data["subject_type"]), "s": str(data["subject_id"]), "id": instance_id})


def downgrade():
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_index("ix_process_instance_subject")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject_type")
