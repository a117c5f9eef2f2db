"""Verify the audit chain: every event in sequence, linked to its predecessor, its hash over what it holds.

The stored data is already in its canonical spelling (canonical.SealedJSON), so the body that was
hashed is spelt out from the row's columns as text: nothing is parsed or re-encoded. On PostgreSQL the
database itself walks the chain (window functions for the links, sha256() for the hashes) and sends
back only the first event that does not fit; elsewhere the same text is hashed here, row by row.
Either way the report is the same.
"""
import hashlib
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Text, cast, func, select, text

from app.extensions import db

from .canonical import body_sql, canonical_body
from .models import GENESIS_HASH, AuditChainHead, AuditEvent
from .services import HEAD_ID


@dataclass
class ChainReport:
    verified: int
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


@dataclass
class _Break:
    seq: int
    kind: str  # "gap" | "link" | "content"
    previous_seq: int
    event_type: str


def verify_chain(batch_size: int = 20_000) -> ChainReport:
    """Walk the chain in order and report the first event that does not fit, if any."""
    walk = _walk_in_postgresql if db.session.get_bind().dialect.name == "postgresql" else _walk_here
    found = walk(batch_size)
    if found is not None:
        verified = db.session.scalar(select(func.count()).where(AuditEvent.seq < found.seq))
        return ChainReport(verified, found.seq, _problem(found))
    last = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    last_seq, last_hash = last if last is not None else (0, GENESIS_HASH)
    verified = db.session.scalar(select(func.count()).select_from(AuditEvent))
    # The head is written with table statements, which leave a loaded head object as it was.
    head = db.session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        return ChainReport(verified, head.seq, _(
            "Chuỗi bị cắt: đầu chuỗi ghi sự kiện số %(head)s nhưng sự kiện cuối cùng còn lại là số "
            "%(last)s.", head=head.seq, last=last_seq))
    return ChainReport(verified)


def _problem(found: _Break) -> str:
    if found.kind == "gap":
        return _("Thiếu sự kiện số %(expected)s (có thể đã bị xóa): sau số %(before)s là số "
                 "%(found)s.", expected=found.previous_seq + 1, before=found.previous_seq, found=found.seq)
    if found.kind == "link":
        return _("Sự kiện số %(seq)s không nối với sự kiện trước (bị xóa, chèn hoặc đổi thứ tự).", seq=found.seq)
    return _("Nội dung sự kiện số %(seq)s (%(type)s) đã bị sửa sau khi ghi: mã băm không khớp.",
             seq=found.seq, type=found.event_type)


_COLUMNS = (AuditEvent.seq, AuditEvent.event_type, AuditEvent.occurred_at, AuditEvent.actor_id,
            AuditEvent.on_behalf_of_id, AuditEvent.agency_id, AuditEvent.subject_type, AuditEvent.subject_id,
            cast(AuditEvent.data, Text), AuditEvent.prev_hash, AuditEvent.hash)


def _walk_here(batch_size: int) -> _Break | None:
    previous_seq, previous_hash = 0, GENESIS_HASH
    rows = db.session.execute(select(*_COLUMNS).order_by(AuditEvent.seq).execution_options(yield_per=batch_size))
    for seq, event_type, occurred_at, actor, on_behalf_of, agency, subject_type, subject_id, data, prev, digest in rows:
        if seq != previous_seq + 1:
            return _Break(seq, "gap", previous_seq, event_type)
        if prev != previous_hash:
            return _Break(seq, "link", previous_seq, event_type)
        body = canonical_body(seq, event_type, occurred_at, actor, on_behalf_of, agency, subject_type, subject_id, data)
        if hashlib.sha256((prev + body).encode()).hexdigest() != digest:
            return _Break(seq, "content", previous_seq, event_type)
        previous_seq, previous_hash = seq, digest
    return None


# The hash over the previous hash and the body, as PostgreSQL computes it: the body's SQL is rendered from
# canonical.BODY, the list Python spells canonical_body from (tests compare the two on real rows).
_BODY_HASH_SQL = f"sha256(convert_to(prev_hash || {body_sql()}, 'UTF8'))"

# One parallel pass over the table, in no order: every event's hash over its content, the sequence
# numbers 1..N without a hole (seq is unique), and the links as multisets: the previous-hash column
# must hold exactly genesis and every hash but the last (XOR of a 64-bit fold of each side). Whatever
# this cannot place, the ordered walk below finds and names.
_POSTGRESQL_CHECK = text(f"""
SELECT count(*) = coalesce(max(seq + 0), 0) AND coalesce(min(seq + 0), 1) = 1
   AND count(*) FILTER (WHERE hash <> encode({_BODY_HASH_SQL}, 'hex')) = 0
   AND coalesce(bit_xor(hashtextextended(prev_hash, 0)), 0)
       = coalesce(bit_xor(hashtextextended(hash, 0)), 0) # hashtextextended(:genesis, 0)
         # hashtextextended(coalesce((SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1), :genesis), 0)
FROM audit_event
""")

_POSTGRESQL_WALK = text(f"""
SELECT seq, kind, previous_seq, event_type FROM (
  SELECT seq, event_type, coalesce(lag(seq) OVER w, 0) AS previous_seq,
    CASE
      WHEN seq <> coalesce(lag(seq) OVER w, 0) + 1 THEN 'gap'
      WHEN prev_hash <> coalesce(lag(hash) OVER w, :genesis) THEN 'link'
      WHEN hash <> encode({_BODY_HASH_SQL}, 'hex') THEN 'content'
    END AS kind
  FROM audit_event
  WINDOW w AS (ORDER BY seq)
) walked
WHERE kind IS NOT NULL
ORDER BY seq
LIMIT 1
""")


def _walk_in_postgresql(batch_size: int) -> _Break | None:
    if db.session.execute(_POSTGRESQL_CHECK, {"genesis": GENESIS_HASH}).scalar():
        return None
    row = db.session.execute(_POSTGRESQL_WALK, {"genesis": GENESIS_HASH}).first()
    return _Break(*row) if row is not None else None
