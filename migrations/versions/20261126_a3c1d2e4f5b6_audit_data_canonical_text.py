"""Audit events' data stored in its canonical spelling, the text its hash was computed over

Verification now hashes the stored text as it is (in PostgreSQL itself where it runs there). Events
written before were stored in the JSON library's default spelling: same values, other text. This
rewrites the text only; no value and no hash changes.

Revision ID: a3c1d2e4f5b6
Revises: 7306ae46c35c
Create Date: 2026-11-26 00:05:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'a3c1d2e4f5b6'
down_revision = '7306ae46c35c'
branch_labels = None
depends_on = None


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def upgrade():
    connection = op.get_bind()
    cast = "CAST(:data AS JSON)" if connection.dialect.name == "postgresql" else ":data"
    rows = connection.execute(sa.text("SELECT id, CAST(data AS TEXT) FROM audit_event")).all()
    changed = [{"id": row_id, "data": _canonical(text)} for row_id, text in rows if text and _canonical(text) != text]
    if changed:
        connection.execute(sa.text(f"UPDATE audit_event SET data = {cast} WHERE id = :id"), changed)


def downgrade():
    pass  # the canonical spelling is valid JSON of the same values
