"""Engine storage formats: which of our formats wrote a version's spec and an instance's state

Rows already stored keep NULL (written before the format was recorded); `flask processes
upgrade-states` rewrites them in the current format.

Revision ID: df14b194a96b
Revises: b7d2f4a6c8e1
Create Date: 2026-12-06 09:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "df14b194a96b"
down_revision = "b7d2f4a6c8e1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_version") as batch_op:
        batch_op.add_column(sa.Column("spec_format", sa.Integer(), nullable=True))
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("state_format", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_column("state_format")
    with op.batch_alter_table("process_version") as batch_op:
        batch_op.drop_column("spec_format")
