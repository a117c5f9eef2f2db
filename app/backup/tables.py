"""Every table's rows as the application reads them, written and read back on either database.

The dump is the application's own export, not pg_dump or SQLite's backup: a backup of the embedded
SQLite installation restores into PostgreSQL (the way from embedded to scaled out) and back, the
same code writes and checks it on both, and each table is one file the manifest hashes. Values go
through the columns' own types (UTC times, compressed states, the audit chain's canonical JSON), so
what is restored reads exactly as what was dumped.
"""
import base64
import gzip
import io
import json
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import JSON, Float, Integer, Numeric, bindparam, func, insert, null, select, text, update
from sqlalchemy.types import Date, DateTime, LargeBinary, Time, TypeDecorator

from app.extensions import db

BATCH = 1000


def _kind(column_type) -> str:
    base = column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
    for kind, types in (("datetime", DateTime), ("date", Date), ("time", Time), ("bytes", LargeBinary)):
        if isinstance(base, types):
            return kind
    if isinstance(base, Numeric) and not isinstance(base, Float):
        return "decimal"
    return "json" if isinstance(base, JSON) else "plain"


_ENCODE = {
    "datetime": datetime.isoformat, "date": date.isoformat, "time": time.isoformat,
    "bytes": lambda value: base64.b64encode(bytes(value)).decode("ascii"), "decimal": str,
}
_DECODE = {
    "datetime": datetime.fromisoformat, "date": date.fromisoformat, "time": time.fromisoformat,
    "bytes": base64.b64decode, "decimal": Decimal,
}


def tables():
    """The application's tables, each after the tables it refers to."""
    return db.metadata.sorted_tables


def table_file(table) -> str:
    return f"database/{table.name}.jsonl.gz"


def dump_table(table, target: Path) -> int:
    """Write the table's rows (by primary key) to `target`: a line of column names, then a line per row."""
    kinds = [_kind(column.type) for column in table.columns]
    encoders = [_ENCODE.get(kind) for kind in kinds]
    count = 0
    # mtime=0: the same rows make the same bytes.
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as packed, \
            io.TextIOWrapper(packed, encoding="utf-8") as out:
        out.write(json.dumps([column.name for column in table.columns]) + "\n")
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH))
        for row in rows:
            values = [value if value is None or encode is None else encode(value) for value, encode in zip(row, encoders)]
            out.write(json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


def _read_rows(table, source: Path) -> Iterator[dict]:
    columns = {column.name: column for column in table.columns}
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        names = json.loads(next(lines))
        if set(names) != set(columns):
            raise ValueError(table.name)
        kinds = [_kind(columns[name].type) for name in names]
        decoders = [_DECODE.get(kind) for kind in kinds]
        # A JSON column's None is SQL NULL (null()); bare None would be stored as the JSON text 'null'.
        nulls = [null() if kind == "json" else None for kind in kinds]
        for line in lines:
            values = json.loads(line)
            yield {name: empty if value is None else value if decode is None else decode(value)
                   for name, value, decode, empty in zip(names, values, decoders, nulls)}


def load_table(table, source: Path) -> int:
    """Insert the rows of a dumped table. A column that refers to its own table is filled in afterwards
    (a parent agency, a copied dossier may come later in key order); those columns are nullable."""
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    key = table.primary_key.columns.values()[0].name
    later, batch, count = [], [], 0
    for row in _read_rows(table, source):
        for name in own:
            if row[name] is not None:
                later.append({"_key": row[key], "_column": name, "_value": row[name]})
                row[name] = None
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(table), batch)
        count += len(batch)
    for name in own:
        pairs = [{"_key": item["_key"], "_value": item["_value"]} for item in later if item["_column"] == name]
        if pairs:
            statement = (update(table).where(table.c[key] == bindparam("_key")).values({name: bindparam("_value")})
                         .execution_options(synchronize_session=False))
            db.session.execute(statement, pairs)
    return count


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in tables()}


def restart_sequences() -> None:
    """PostgreSQL: start each table's id sequence after the restored ids (SQLite takes max(id) + 1 itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    preparer = db.session.get_bind().dialect.identifier_preparer
    for table in tables():
        keys = table.primary_key.columns.values()
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name, column = preparer.quote(table.name), preparer.quote(keys[0].name)
        db.session.execute(text(
            f"SELECT setval(seq, coalesce((SELECT max({column}) FROM {name}), 0) + 1, false) "
            f"FROM pg_get_serial_sequence(:table, :column) AS seq WHERE seq IS NOT NULL"),
            {"table": name, "column": keys[0].name})
