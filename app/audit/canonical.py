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


def canonical_body(seq: int, event_type: str, occurred_at: datetime, actor_id, on_behalf_of_id, agency_id,
                   subject_type, subject_id, data_text: str) -> str:
    """canonical_json of the event's body, spelt out from its columns with the data as stored (already
    canonical): the same text, without parsing and re-encoding the data."""
    before, after = canonical_body_around_seq(event_type, occurred_at, actor_id, on_behalf_of_id, agency_id,
                                              subject_type, subject_id, data_text)
    return f"{before}{seq}{after}"


def canonical_body_around_seq(event_type: str, occurred_at: datetime, actor_id, on_behalf_of_id, agency_id,
                              subject_type, subject_id, data_text: str) -> tuple[str, str]:
    """The canonical body's text before and after its sequence number, for a database that numbers the
    event and hashes it in the same statement."""
    return (f'{{"actor_id":{_number(actor_id)},"agency_id":{_number(agency_id)},"data":{data_text},'
            f'"event_type":{_json_string(event_type)},"occurred_at":"{occurred_at:%Y-%m-%dT%H:%M:%S.%fZ}",'
            f'"on_behalf_of_id":{_number(on_behalf_of_id)},"seq":',
            f',"subject_id":{_json_string(subject_id)},"subject_type":{_json_string(subject_type)}}}')


def _number(value: int | None) -> str:
    return "null" if value is None else str(int(value))


class SealedJSON(TypeDecorator):
    """JSON written in its canonical spelling (PostgreSQL's json type and SQLite keep the text verbatim)."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return lambda value: None if value is None else canonical_json(value)
