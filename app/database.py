"""Per-backend engine settings that a URL cannot carry."""
from flask import Flask
from sqlalchemy import event

from .extensions import db


def configure_engine(app: Flask) -> None:
    """Give SQLite real transactions: foreign keys on, WAL, and writers queued at BEGIN."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection, _record):
        # The driver's own implicit BEGIN breaks SAVEPOINT and rollback; we issue BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
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
