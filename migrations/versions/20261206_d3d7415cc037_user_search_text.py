"""Users: accent-free search text ("nguyen van" finds "Nguyễn Văn"), filled for existing accounts

Revision ID: d3d7415cc037
Revises: 8d3f1b6a2c90
Create Date: 2026-12-06 03:15:00

"""
import sqlalchemy as sa
from alembic import op

from app.directory.models import user_search_text

revision = "d3d7415cc037"
down_revision = "8d3f1b6a2c90"
branch_labels = None
depends_on = None

_USERS = sa.table("user", sa.column("id", sa.Integer), sa.column("username", sa.String),
                  sa.column("full_name", sa.String), sa.column("job_title", sa.String),
                  sa.column("search_text", sa.Text))


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_USERS.c.id, _USERS.c.username, _USERS.c.full_name, _USERS.c.job_title)).all()
    for row in rows:
        connection.execute(_USERS.update().where(_USERS.c.id == row.id).values(
            search_text=user_search_text(row.username, row.full_name, row.job_title)))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("search_text")
