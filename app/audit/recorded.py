"""Events recorded in a transaction, kept on its session and appended to the chain when it commits.

Appending locks the chain's one head row until the transaction ends, so every appending transaction of
the installation queues on that row. Appended at the end (before_commit), the lock is held for a few
statements and the commit, not for the rest of the unit of work (service tasks, engine steps, state
saves, inbox rows) as when each event was appended where it was recorded.

What must hold:
- A statement of this session that reads the chain (audit_event, audit_chain_head) first appends what
  is waiting, so a transaction always sees its own events (history, replay, export, verification).
- A rolled-back transaction appends nothing: its waiting events are dropped.
- A savepoint rolled back drops the events recorded inside it; events recorded before it and appended
  inside it (a read, or a release of a deeper savepoint) were taken back by the database with it, so
  they wait again, in their order.
"""
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import Select, TextClause
from sqlalchemy import event as orm_event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.util import find_tables

from app.extensions import db

from .chain import append_events
from .models import AuditEvent

_KEY = "audit_recorded"
_CHAIN_TABLES = frozenset({"audit_event", "audit_chain_head"})
# By statement object (identity: statements compare and hash as objects); a statement dropped drops its entry.
_READS_CHAIN: WeakKeyDictionary = WeakKeyDictionary()


@dataclass
class _Recorded:
    event: AuditEvent
    data_text: str  # the data in its canonical spelling, as hashed and stored
    recorded_in: SessionTransaction | None  # innermost transaction then (None: none begun, the next one)
    appended_in: SessionTransaction | None = None  # innermost transaction when appended; None: waiting


def keep_until_commit(event: AuditEvent, data_text: str) -> None:
    """Keep the event on the session, to be appended when its transaction commits (or reads the chain)."""
    session = db.session()
    recorded = session.info.get(_KEY)
    if recorded is None:
        recorded = session.info[_KEY] = []
        # On this session object only: a listener on the Session class would be a mutated library global.
        orm_event.listen(session, "before_commit", _append_before_commit)
        orm_event.listen(session, "do_orm_execute", _append_before_reading)
        orm_event.listen(session, "after_transaction_end", _forget_at_the_end)
        orm_event.listen(session, "after_soft_rollback", _forget_rolled_back)
    recorded.append(_Recorded(event, data_text, _innermost(session)))


def append_recorded(session: Session | None = None) -> None:
    """Append the events this session's transaction recorded and has not appended yet, now."""
    session = session if session is not None else db.session()
    waiting = [item for item in session.info.get(_KEY, ()) if item.appended_in is None]
    if not waiting:
        return
    # Ours first: the rows this unit of work changes are locked before the head, as they always were.
    session.flush()
    transaction = _innermost(session) or _begun(session)
    for item in waiting:  # marked first: the statements below pass through _append_before_reading
        item.appended_in = transaction
    append_events(session, [(item.event, item.data_text) for item in waiting])


def _append_before_commit(session: Session) -> None:
    append_recorded(session)


def _append_before_reading(state: ORMExecuteState) -> None:
    recorded = state.session.info.get(_KEY)
    if recorded and recorded[-1].appended_in is None and _reads_chain(state.statement):
        append_recorded(state.session)


def _reads_chain(statement) -> bool:
    if isinstance(statement, TextClause):
        return "audit_" in statement.text
    # Built-once statements come back on every request, and walking a statement's tree is the cost here;
    # a statement is not changed once built (generative methods return a copy), so its answer holds.
    if not isinstance(statement, (Select, UpdateBase)):  # others (functions…) compare with SQL operators
        return _names_chain(statement)
    answer = _READS_CHAIN.get(statement)
    if answer is None:
        answer = _READS_CHAIN[statement] = _names_chain(statement)
    return answer


def _names_chain(statement) -> bool:
    return any(getattr(table, "name", None) in _CHAIN_TABLES for table in find_tables(statement))


def _forget_at_the_end(session: Session, transaction: SessionTransaction) -> None:
    # Committed, every event was appended (before_commit); rolled back, none of them stands.
    if transaction.parent is None:
        session.info[_KEY].clear()


def _forget_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        return
    kept = []
    for item in session.info[_KEY]:
        if _inside(item.recorded_in, transaction):
            continue
        if _inside(item.appended_in, transaction):
            item.appended_in = None
            item.event.id = item.event.seq = item.event.prev_hash = item.event.hash = None
        kept.append(item)
    session.info[_KEY][:] = kept


def _inside(transaction: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _begun(session: Session) -> SessionTransaction:
    session.connection()
    return session.get_transaction()

