"""External recipients of an outgoing document name the outbox message carrying its package

Revision ID: 5a7c9e1b3d2f
Revises: 09fe81a431c2
Create Date: 2026-12-06 01:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5a7c9e1b3d2f"
down_revision = "09fe81a431c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outgoing_recipient") as batch_op:
        batch_op.add_column(sa.Column("outbox_message_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_outgoing_recipient_outbox_message_id_outbox_message"),
                                    "outbox_message", ["outbox_message_id"], ["id"])


def downgrade():
    with op.batch_alter_table("outgoing_recipient") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outgoing_recipient_outbox_message_id_outbox_message"),
                                 type_="foreignkey")
        batch_op.drop_column("outbox_message_id")
