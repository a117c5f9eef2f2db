"""Incoming search: an index in the list's order, and one for the few secret documents

The incoming list orders by "open and urgent first, then the newest" (app/documents/search.py,
URGENT_OPEN); without an index on that expression every page sorted all of an agency's documents.
On PostgreSQL the expression is the SQL function document_urgent_open, which the planner inlines
both in the index and in the query's CASE, so the two match; its body must stay the CASE that
search.py sends. (A function, not the bare CASE, because PostgreSQL prints an indexed CASE back in
its own layout, which the models-versus-migrations test cannot compare.) SQLite gets no such index:
SQLAlchemy cannot reflect expression indexes there, and embedded installs are small.
Visibility looks up the secret documents a person may see first: partial index on secrecy > 0.

Revision ID: 0240415baa65
Revises: 1af58d3f6772
Create Date: 2026-11-25 19:20:39.181888

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0240415baa65'
down_revision = '1af58d3f6772'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_secret', ['agency_id', 'direction'], unique=False,
                              postgresql_where=sa.text('secrecy > 0'), sqlite_where=sa.text('secrecy > 0'))
    if op.get_bind().dialect.name == "postgresql":
        # LANGUAGE sql, IMMUTABLE, one SELECT: what lets the planner inline it (and so use the index).
        op.execute("""
            CREATE FUNCTION document_urgent_open(status_code varchar, urgency integer) RETURNS integer
            LANGUAGE sql IMMUTABLE PARALLEL SAFE
            AS $$ SELECT CASE WHEN status_code IN ('01', '03', '04', '05') AND urgency > 0 THEN urgency ELSE 0 END $$
        """)
        op.create_index('ix_document_incoming_order', 'document',
                        ['agency_id', 'direction', sa.text('document_urgent_open(status_code, urgency)'),
                         'received_at', 'id'], unique=False)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_document_incoming_order', table_name='document')
        op.execute("DROP FUNCTION document_urgent_open(varchar, integer)")
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_secret', postgresql_where=sa.text('secrecy > 0'),
                            sqlite_where=sa.text('secrecy > 0'))
