"""Per-backend engine settings that a URL cannot carry."""
from contextlib import contextmanager
from functools import cache

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.cache_key import CacheKey

from .extensions import db
from .vietnamese_order import SQLITE_COLLATION, compare_vietnamese


def configure_engine(app: Flask) -> None:
    """PostgreSQL: read answers inside pipelined writes when asked, keep prepared statements across
    read-only requests. SQLite: real transactions (foreign keys on, WAL, writers queued at BEGIN)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        event.listen(engine, "after_cursor_execute", _answer_before_reading)
        event.listen(engine, "do_execute", _patterns_planned_for_their_values)
        _keep_prepared_statements(app, engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # The driver's own implicit BEGIN breaks SAVEPOINT and rollback; we issue BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # PostgreSQL has ICU's Vietnamese collation built in; SQLite gets ours under the same rules.
        dbapi_connection.create_collation(SQLITE_COLLATION, compare_vietnamese)
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        # IMMEDIATE takes the write lock up front: a transaction that read first and writes later
        # would otherwise fail at once with SQLITE_BUSY when another writer got in between.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def schema_item_filter(dialect_name: str):
    """Alembic's include_object: skip items declared for another database only (`Index.ddl_if`)."""

    def include(item, name, kind, reflected, compare_to) -> bool:
        condition = getattr(item, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect_name)

    return include


@contextmanager
def pipelined_writes():
    """On PostgreSQL, send the statements run inside without waiting for each one's answer (psycopg's
    pipeline mode): the server works through them while Python builds the next, and a statement whose
    rows are read (RETURNING) is the only wait. Elsewhere the statements run as usual.

    Only table statements belong inside: pending ORM changes are flushed first, because the ORM checks
    each UPDATE's row count as it goes. An error inside surfaces at the next read or at the end of the
    block, and the transaction is then to be rolled back as after any failed statement.
    """
    db.session.flush()
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        yield
        return
    import psycopg  # PostgreSQL's driver: only this branch needs it

    try:
        with connection.connection.driver_connection.pipeline():
            yield
    except psycopg.Error as error:  # raised by the sync at the block's end, outside SQLAlchemy
        raise DBAPIError.instance(None, None, error, psycopg.Error) from error


# A statement inside pipelined_writes whose rows are read says so with this execution option.
READS_ROWS_IN_PIPELINE = {"reads_rows_in_pipeline": True}


def _answer_before_reading(_connection, cursor, _statement, _parameters, context, _executemany) -> None:
    """In pipeline mode a statement's answer has not arrived when SQLAlchemy looks for its rows (it would
    find none); for a statement marked READS_ROWS_IN_PIPELINE, wait for it here (a nested pipeline
    block syncs on exit)."""
    if context is not None and context.execution_options.get("reads_rows_in_pipeline"):
        if cursor.connection.pgconn.pipeline_status:
            with cursor.connection.pipeline():
                pass


def _patterns_planned_for_their_values(cursor, statement, parameters, _context) -> bool | None:
    """Send a statement holding a LIKE pattern unprepared, so PostgreSQL plans it for its pattern each time.

    psycopg prepares a statement run five times on a connection; PostgreSQL then soon plans it once for
    any values (a generic plan). Planning is most of a short statement's cost, so that is the gain on the
    completion path (≈ 9 ms of the database's CPU per incoming document). But a generic plan cannot judge
    a LIKE pattern it does not know: the accent-free document search became 2–3× slower at 200,000
    documents. Searches (their counts included, whatever builds them) therefore keep a plan for their
    values; everything else is planned once per connection. True: the statement was executed here.
    """
    if "LIKE " not in statement:
        return None
    cursor.execute(statement, parameters, prepare=False)
    return True


def _keep_prepared_statements(app: Flask, engine) -> None:
    """End a request's read-only transaction with COMMIT rather than ROLLBACK on PostgreSQL.

    psycopg prepares a statement on the server once a connection has run it five times, which spares
    the database parsing and planning it again (searches excepted: _patterns_planned_for_their_values).
    But every ROLLBACK makes psycopg forget all of them, and Flask-SQLAlchemy rolls back at the end of
    every request, so pages that only read kept wiping the cache. For a transaction that ran nothing
    but SELECTs, COMMIT and ROLLBACK end it alike; one that wrote anything, left changes pending or
    ended in an error is still rolled back.
    """

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.info["wrote"] = False

    @event.listens_for(engine, "after_cursor_execute")
    def _note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip()[:6].upper() == "SELECT":
            connection.info["wrote"] = True

    @app.teardown_appcontext
    def _end_reads_with_commit(error):
        # Registered after Flask-SQLAlchemy's own teardown, so it runs before the session is removed.
        session = db.session()
        if error is not None or session.new or session.dirty or session.deleted:
            return
        transaction = session.get_transaction()
        if transaction is None or not transaction.is_active or transaction.nested:
            return
        connection = session.connection()
        if connection.info.get("wrote", True):
            return
        try:
            session.commit()
        except DBAPIError:
            session.rollback()


# INSERT constructs that can say ON CONFLICT, by dialect name (keyed so statements can be cached per dialect).
CONFLICT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def conflict_insert(table):
    """An INSERT into `table` for the session's database that can say ON CONFLICT DO NOTHING / DO UPDATE."""
    return CONFLICT_INSERTS[db.session.get_bind().dialect.name](table)


def built_once(statement):
    """Let SQLAlchemy keep the compiled SQL of a statement that is built once and reused but has no cache key.

    SQLAlchemy 2.0's dialect INSERTs (the ON CONFLICT ones above) say `inherit_cache = False`, so such a
    statement was compiled again at every execution: a few ms per step for the inbox's new-task CTE. A
    statement built once is the same object at every execution, so the object is its own key. Anything
    derived from it (.values(), .where(), …) is another object, finds no key and is compiled each time,
    as before: mark only the finished statement.
    """
    statement.__class__ = _keyed_by_identity(type(statement))
    statement.__dict__["_identity_cache_owner"] = statement  # a generative copy carries this, and is not it
    return statement


@cache
def _keyed_by_identity(cls):
    def _generate_cache_key(self):
        if self.__dict__.get("_identity_cache_owner") is not self:
            return None
        # No extracted parameters: a hit binds the statement's own values, this very statement's.
        return CacheKey(("built once", id(self)), [])
    return type(f"BuiltOnce{cls.__name__}", (cls,), {"_generate_cache_key": _generate_cache_key,
                                                      "inherit_cache": False})
