"""PostgreSQL reads a page of the incoming list from its index, in order (no sort of every document).

The index is on document_urgent_open(status_code, urgency), an SQL function whose body must stay the
CASE of search.URGENT_OPEN: if the two drift apart, the planner silently sorts every row again.
"""
import pytest
from sqlalchemy import text

from app.documents.search import IncomingFilters, incoming_query


def test_the_list_order_is_served_by_its_index(office, db):
    if db.session.get_bind().dialect.name != "postgresql":
        pytest.skip("the ordering index exists on PostgreSQL only")
    statement = incoming_query(office.clerk, IncomingFilters()).limit(25)
    compiled = statement.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    # An empty test table would be scanned whatever the indexes: make sorting the expensive choice.
    db.session.execute(text("SET LOCAL enable_sort = off"))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(db.session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_document_incoming_order" in plan, plan
    assert "Sort" not in plan.split("ix_document_incoming_order")[0], plan
