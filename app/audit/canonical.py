"""The one JSON spelling of an audit event that its hash is computed over, and the column type that
stores the event's data in that very spelling (so verification can hash the stored text as it is)."""
import json
from datetime import date, datetime

from sqlalchemy import JSON
from sqlalchemy.types import TypeDecorator


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable in an audit event: {type(value).__name__}")


def canonical_json(value) -> str:
    """Return the one JSON spelling of a value that every hash in the chain is computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_json_default)


def _json_string(value: str | None) -> str:
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


# The event's body as hashed: canonical_json of its columns (keys sorted), with the data as stored (already
# canonical). Spelt out once, here, as text and columns in order; Python (below) and PostgreSQL
# (body_sql, for appending and verifying inside the database) both render this one list.
NUMBER, STRING, MOMENT, RAW = "number", "string", "moment", "raw"
BODY = ('{"actor_id":', ("actor_id", NUMBER), ',"agency_id":', ("agency_id", NUMBER), ',"data":', ("data", RAW),
        ',"event_type":', ("event_type", STRING), ',"occurred_at":"', ("occurred_at", MOMENT),
        '","on_behalf_of_id":', ("on_behalf_of_id", NUMBER), ',"seq":', ("seq", NUMBER),
        ',"subject_id":', ("subject_id", STRING), ',"subject_type":', ("subject_type", STRING), "}")
_PYTHON = {NUMBER: _number, STRING: _json_string, RAW: str,
           MOMENT: lambda moment: f"{moment:%Y-%m-%dT%H:%M:%S.%fZ}"}
_SQL = {NUMBER: "coalesce({}::text, 'null')", STRING: "coalesce(to_json({})::text, 'null')", RAW: "{}::text",
        MOMENT: """to_char({}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""}


def _rendered(values: dict) -> list[str]:
    return [part if isinstance(part, str) else _PYTHON[part[1]](values[part[0]]) for part in BODY]


def canonical_body(seq: int, event_type: str, occurred_at: datetime, actor_id, on_behalf_of_id, agency_id,
                   subject_type, subject_id, data_text: str) -> str:
    """canonical_json of the event's body, spelt out from its columns with the data as stored (already
    canonical): the same text, without parsing and re-encoding the data."""
    return "".join(_rendered(dict(seq=seq, event_type=event_type, occurred_at=occurred_at, actor_id=actor_id,
                                  on_behalf_of_id=on_behalf_of_id, agency_id=agency_id, subject_type=subject_type,
                                  subject_id=subject_id, data=data_text)))


def canonical_body_around_seq(*, data_text: str, **values) -> tuple[str, str]:
    """The canonical body's text before and after its sequence number, for a database that numbers the
    event and hashes it in the same statement."""
    rendered = _rendered({**values, "data": data_text, "seq": 0})
    at = next(i for i, part in enumerate(BODY) if not isinstance(part, str) and part[0] == "seq")
    return "".join(rendered[:at]), "".join(rendered[at + 1:])


def body_sql(columns: dict[str, str] | None = None) -> str:
    """The body as a PostgreSQL text expression over the event's columns (`columns` renames some, e.g.
    seq -> an expression), rendered from the same list as canonical_body."""
    columns = columns or {}
    pieces = ["'" + part.replace("'", "''") + "'" if isinstance(part, str)
              else _SQL[part[1]].format(columns.get(part[0], part[0])) for part in BODY]
    return "concat(" + ", ".join(pieces) + ")"


class SealedJSON(TypeDecorator):
    """JSON written in its canonical spelling (PostgreSQL's json type and SQLite keep the text verbatim)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return lambda value: None if value is None else canonical_json(value)
