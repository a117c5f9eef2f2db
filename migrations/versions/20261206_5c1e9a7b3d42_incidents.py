"""Incidents: a failed system step of a case, retried by the job runner or repaired by an operator

Revision ID: 5c1e9a7b3d42
Revises: df14b194a96b
Create Date: 2026-12-06 09:50:00

"""
import sqlalchemy as sa
from alembic import op

import app.sqltypes

revision = "5c1e9a7b3d42"
down_revision = "df14b194a96b"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=64), nullable=False),
        sa.Column("task_spec", sa.String(length=128), nullable=False),
        sa.Column("task_name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("max_tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("first_seen_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("last_seen_at", app.sqltypes.UtcDateTime(), nullable=False),
        sa.Column("resolved_at", app.sqltypes.UtcDateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_incident_agency_id_agency")),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"],
                                name=op.f("fk_incident_instance_id_process_instance")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user.id"], name=op.f("fk_incident_resolved_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident") as batch_op:
        batch_op.create_index("ix_incident_status_next_try", ["status", "next_try_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_last_seen_at"), ["last_seen_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_process_id"), ["process_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_status"), ["status"], unique=False)
    # Cases already stopped in "error" (the timer job's failures, before incidents) become open incidents: the
    # old error text is technical, so it goes to the operators' detail.
    op.execute(sa.text(
        "INSERT INTO incident (instance_id, process_id, task_spec, task_name, kind, message, detail, status, tries,"
        " max_tries, first_seen_at, last_seen_at, reason, agency_id)"
        " SELECT id, process_id, '', '', 'timer', :message, COALESCE(error_message, ''), 'open', 1, 1, updated_at,"
        " updated_at, '', agency_id FROM process_instance WHERE status = 'error'"
    ).bindparams(message="Hồ sơ dừng vì lỗi khi hệ thống tự xử lý (ghi nhận trước khi có trang sự cố)."))


def downgrade():
    op.drop_table("incident")
