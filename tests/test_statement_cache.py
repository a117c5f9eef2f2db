"""Statements built once that SQLAlchemy cannot key (dialect INSERTs with ON CONFLICT) are compiled once."""
from sqlalchemy import bindparam, event, insert, literal, select

from app.database import CONFLICT_INSERTS, built_once
from app.documents.numbering import _TAKE_INCOMING
from app.notifications.services import _new_task_notice
from app.workflow.assignment import ROLE
from app.workflow.inbox import _insert_participants, _insert_task_with_people
from app.workflow.models import SubjectParticipant


def _cache_stats(db, statement, parameters, times=2):
    seen = []

    def note(_conn, _cursor, _statement, _parameters, context, _executemany):
        seen.append(context.cache_hit)
    event.listen(db.engine, "after_cursor_execute", note)
    try:
        for _ in range(times):
            db.session.execute(statement, parameters)
    finally:
        event.remove(db.engine, "after_cursor_execute", note)
    db.session.rollback()
    return seen


def test_a_statement_built_once_is_compiled_once(db, make):
    user_id = make.user().id
    dialect = db.session.get_bind().dialect
    statement = built_once(CONFLICT_INSERTS[dialect.name](SubjectParticipant.__table__).values(
        subject_type=bindparam("kind"), subject_id="1", user_id=bindparam("user_id")).on_conflict_do_nothing())
    assert _cache_stats(db, statement, {"kind": "document", "user_id": user_id}) == [
        dialect.CACHE_MISS, dialect.CACHE_HIT]


def test_what_is_derived_from_it_is_not_taken_for_it(db, make):
    """A generative copy carries the mark but not the identity: it is compiled as it is, never served the
    original's SQL."""
    table, user_id = SubjectParticipant.__table__, make.user().id
    dialect = db.session.get_bind().dialect
    original = built_once(insert(table).values(subject_type="a", subject_id="1", user_id=bindparam("user_id")))
    derived = original.values(subject_type=literal("b"))
    assert original._generate_cache_key() is not None and derived._generate_cache_key() is None
    assert _cache_stats(db, derived, {"user_id": user_id}, times=1) == [dialect.NO_CACHE_KEY]
    assert "subject_type" in str(derived.compile(dialect=dialect))


def test_the_inbox_and_notice_statements_have_their_key(db):
    dialect = db.session.get_bind().dialect.name
    statements = [_new_task_notice(dialect), _insert_participants(ROLE, dialect)]
    if dialect == "postgresql":
        statements += [_insert_task_with_people(ROLE, True), _TAKE_INCOMING[False], _TAKE_INCOMING[True]]
    assert all(s._generate_cache_key() is not None for s in statements)
    assert select(1)._generate_cache_key() is not None  # the ordinary ones are keyed by SQLAlchemy itself
