"""Agencies' contact details (address, email, phone, website), here and in the external directory: edXML
From/To carry them

Revision ID: 3e6a1c8b5d47
Revises: d3d7415cc037
Create Date: 2026-12-06 03:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "3e6a1c8b5d47"
down_revision = "d3d7415cc037"
branch_labels = None
depends_on = None

TABLES = ("agency", "external_agency")
COLUMNS = (("address", 255), ("email", 255), ("phone", 64), ("website", 255))


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            for name, length in COLUMNS:
                batch_op.add_column(sa.Column(name, sa.String(length), nullable=False, server_default=""))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            for name, _length in COLUMNS:
                batch_op.drop_column(name)
