"""The inbox: take packages from the axis, import each once, acknowledge only what is committed.

Per package: (1) the bytes are stored under the axis' id and committed; (2) the import runs in its own
transaction, which first claims the row (a conditional UPDATE: a second poller waits, then finds it
imported) and commits the documents together with the row's new state; (3) only then the axis hears
"done" (or "fail" for a refusal). A crash after (1) imports from the stored bytes on the next poll; a
crash after (2) only acknowledges on the next poll. A remote id seen again is answered "done" and
changes nothing.
"""
import hashlib
import logging
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.sqltypes import utcnow

from .edxml.safe_xml import PackageRefused
from .messages import InboxMessage
from .transport import InboxTransport, TransportError

log = logging.getLogger(__name__)

DEFAULT_IMPORT_TRIES = 5
OUTCOME_OF = {"imported": "done", "refused": "fail"}

# handle(package) -> ids of the documents made; raises PackageRefused; flushes, never commits.
Handle = Callable[[bytes], list[int]]


def _stored(remote_id: str) -> InboxMessage | None:
    return db.session.scalars(select(InboxMessage).where(InboxMessage.remote_id == remote_id)).first()


def _store(transport: InboxTransport, remote_id: str) -> bool:
    """Fetch and keep the package; False when another poller stored it first."""
    package = transport.fetch(remote_id)
    db.session.add(InboxMessage(remote_id=remote_id, package=package, state="received", tries=0,
                                package_sha256=hashlib.sha256(package).hexdigest()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _claim(message_id: int) -> bool:
    # Takes the row's write lock until this transaction ends; only a row still waiting is claimed.
    result = db.session.execute(
        update(InboxMessage).where(InboxMessage.id == message_id, InboxMessage.state == "received")
        .values(tries=InboxMessage.tries + 1, updated_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _import(message_id: int, handle: Handle, max_tries: int) -> str:
    """Import a stored package in one transaction; return the row's state afterwards."""
    if not _claim(message_id):
        db.session.rollback()
        return db.session.get(InboxMessage, message_id).state
    message = db.session.get(InboxMessage, message_id)
    try:
        # A savepoint: a failed import takes back its own writes, the claim and its lock stay.
        with db.session.begin_nested():
            document_ids = list(handle(message.package))
    except PackageRefused as refused:
        message.state, message.error = "refused", "; ".join(refused.reasons)
    except Exception:
        log.exception("Inbox package %s: import failed", message_id)
        message.error = _("Lỗi hệ thống khi nhập gói tin; chi tiết đã ghi vào nhật ký.")
        tries = db.session.scalar(select(InboxMessage.tries).where(InboxMessage.id == message_id))
        if tries >= max_tries:
            message.state = "refused"
    else:
        message.state, message.document_ids, message.error = "imported", document_ids, None
    db.session.commit()
    return message.state


def _acknowledge(transport: InboxTransport, message_id: int, remote_id: str, state: str) -> None:
    try:
        transport.acknowledge(remote_id, OUTCOME_OF[state])
    except TransportError:
        # The axis lists the package again; the next poll only acknowledges it.
        log.warning("Inbox package %s: acknowledgement not delivered", remote_id, exc_info=True)
        return
    db.session.execute(update(InboxMessage).where(InboxMessage.id == message_id)
                       .values(acked_at=utcnow()).execution_options(synchronize_session=False))
    db.session.commit()


def receive_package(transport: InboxTransport, remote_id: str, handle: Handle, *, max_tries: int) -> str:
    """Take one package from the axis; return its state (imported, refused, received = try again later)."""
    message = _stored(remote_id)
    db.session.commit()  # no transaction stays open during the network call
    if message is None:
        if not _store(transport, remote_id):
            return "received"  # another poller has it
        message = _stored(remote_id)
    state = message.state if message.state in OUTCOME_OF else _import(message.id, handle, max_tries)
    if state in OUTCOME_OF:
        _acknowledge(transport, message.id, remote_id, state)
    return state


def poll_inbox(transport: InboxTransport, handle: Handle, *, limit: int = 100) -> dict[str, int]:
    """Take what the axis holds for this installation; return how many ended in each state."""
    max_tries = int(current_app.config.get("EXCHANGE_INBOX_MAX_TRIES") or DEFAULT_IMPORT_TRIES)
    counts = {"imported": 0, "refused": 0, "received": 0}
    for remote_id in list(transport.received())[:limit]:
        remote_id = str(remote_id)[:128]
        try:
            counts[receive_package(transport, remote_id, handle, max_tries=max_tries)] += 1
        except TransportError:
            db.session.rollback()
            log.warning("Inbox package %s: not fetched", remote_id, exc_info=True)
            counts["received"] += 1
    return counts
