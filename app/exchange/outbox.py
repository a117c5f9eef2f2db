"""The outbox: queue a package, send what is due with exponential backoff, dead-letter, resend, cancel.

Sending never holds a transaction across the network call. A sender claims due rows first (one short
transaction: FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional UPDATE everywhere, so two senders
never claim one row), marking them `sending` with a lease in `next_try_at`; it then calls the
transport and writes the outcome only if the row is still its claim. A sender that dies mid-call
leaves the row due again when the lease ends: delivery is at least once, and the receiving side
drops a second copy of one DocumentId from one sender.
"""
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, select, update

from app.audit.services import record
from app.directory.models import Agency
from app.directory.scoping import scoped
from app.documents.models import Document
from app.extensions import db
from app.jobs.after_commit import enqueue_after_commit
from app.sqltypes import utcnow

from .messages import KINDS, OutboxMessage
from .transport import Transport, TransportRefused, TransportUnavailable

log = logging.getLogger(__name__)

DEFAULT_BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)  # 1 m, 5 m, 30 m, 2 h, 6 h
DEFAULT_MAX_TRIES = 5
DEFAULT_SEND_LEASE_SECONDS = 600
URGENT = 1  # khẩn; thượng khẩn (2) and hỏa tốc (3) too


class OutboxError(Exception):
    """A clerk's request on a message that cannot be done; `message` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MessageNotFound(OutboxError):
    """No such message in the actor's agency."""


@dataclass(frozen=True)
class SendPolicy:
    backoff: Sequence[int] = DEFAULT_BACKOFF_SECONDS
    max_tries: int = DEFAULT_MAX_TRIES
    lease_seconds: int = DEFAULT_SEND_LEASE_SECONDS

    @classmethod
    def from_config(cls, config) -> "SendPolicy":
        return cls(tuple(config.get("EXCHANGE_OUTBOX_BACKOFF_SECONDS") or DEFAULT_BACKOFF_SECONDS),
                   int(config.get("EXCHANGE_OUTBOX_MAX_TRIES") or DEFAULT_MAX_TRIES),
                   int(config.get("EXCHANGE_OUTBOX_SEND_LEASE_SECONDS") or DEFAULT_SEND_LEASE_SECONDS))

    def delay_after(self, tries: int) -> timedelta:
        """The wait after the `tries`-th failed try; past the end of the schedule its last step repeats."""
        return timedelta(seconds=self.backoff[min(tries, len(self.backoff)) - 1])


def queue_message(*, agency_id: int, kind: str, package: bytes, recipient_codes: list[str],
                  document_id: int | None = None, now: datetime | None = None) -> OutboxMessage:
    """Put a package in the outbox, due at once; the caller commits. A package of an urgent document is
    sent right after that commit, the others at the send job's next run."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    if not recipient_codes:
        raise ValueError("an outbox message needs recipients")
    message = OutboxMessage(agency_id=agency_id, kind=kind, recipient_codes=list(recipient_codes),
                            package=package, package_sha256=hashlib.sha256(package).hexdigest(),
                            package_size=len(package), document_id=document_id, state="pending", tries=0,
                            next_try_at=now or utcnow())
    db.session.add(message)
    db.session.flush()
    _send_soon_if_urgent(document_id)
    return message


def _send_soon_if_urgent(document_id: int | None) -> None:
    # Here, where every package is queued (release, recall, status notices, updates), rather than in the
    # release's view: the release also runs from the API and the jobs, and status packages from any step.
    if document_id is None or current_app.config.get("EXCHANGE_TRANSPORT") is None:
        return
    document = db.session.get(Document, document_id)
    if document is not None and document.urgency >= URGENT:
        enqueue_after_commit("send_outbox_messages")


def _due(now: datetime):
    # A `sending` row whose lease ended belongs to a sender that died: it is due again.
    return and_(OutboxMessage.state.in_(("pending", "sending")), OutboxMessage.next_try_at <= now)


def claim_due_messages(now: datetime, *, limit: int, lease: timedelta) -> list[tuple[int, int]]:
    """Claim up to `limit` due messages and commit; return (id, tries) of each claim."""
    candidates = select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.next_try_at,
                                                                    OutboxMessage.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        # Rows another sender is claiming are skipped instead of waited for.
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    claimed = []
    if ids:
        # The WHERE is evaluated again under the write lock: a row another sender took is no longer due.
        claimed = [tuple(row) for row in db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now))
            .values(state="sending", tries=OutboxMessage.tries + 1, next_try_at=now + lease, updated_at=utcnow())
            .returning(OutboxMessage.id, OutboxMessage.tries)
            .execution_options(synchronize_session=False))]
    db.session.commit()
    return sorted(claimed)


def _finish(message_id: int, tries: int, **values) -> bool:
    """Write a send's outcome if the claim is still this sender's (same tries, still sending)."""
    result = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.state == "sending",
                                    OutboxMessage.tries == tries)
        .values(updated_at=utcnow(), **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        log.warning("Outbox message %s: claim lost before the outcome was written", message_id)
        return False
    return True


def _send_one(transport: Transport, message_id: int, tries: int, now: datetime, policy: SendPolicy) -> str:
    message = db.session.get(OutboxMessage, message_id)
    package, codes, agency_id, kind = message.package, list(message.recipient_codes), message.agency_id, message.kind
    sender_code = db.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    db.session.commit()  # no transaction stays open during the network call
    error, permanent = None, False
    try:
        remote_id = str(transport.send(package, codes, sender_code=sender_code, kind=kind))
    except TransportRefused as refused:
        error, permanent = refused.reason or _("Trục liên thông từ chối gói tin."), True
    except TransportUnavailable as unavailable:
        error = unavailable.reason or _("Không kết nối được trục liên thông.")
    except Exception:  # a fault in the adapter: logged in full, the clerk sees a plain sentence
        log.exception("Outbox message %s: transport failed", message_id)
        error = _("Lỗi hệ thống khi gửi; chi tiết đã ghi vào nhật ký.")
    if error is None:
        outcome = "sent" if _finish(message_id, tries, state="sent", remote_id=remote_id[:128], sent_at=utcnow(),
                                    next_try_at=None, last_error=None) else "lost"
        if outcome == "sent":
            record("outbox_message_sent", subject=("outbox_message", message_id), agency_id=agency_id,
                   remote_id=remote_id[:128], recipients=codes)
    elif permanent or tries >= policy.max_tries:
        outcome = "dead" if _finish(message_id, tries, state="dead", next_try_at=None, last_error=error) else "lost"
        if outcome == "dead":
            record("outbox_message_dead", subject=("outbox_message", message_id), agency_id=agency_id,
                   tries=tries, error=error)
    else:
        outcome = "retry" if _finish(message_id, tries, state="pending", last_error=error,
                                     next_try_at=now + policy.delay_after(tries)) else "lost"
    db.session.commit()
    return outcome


def send_due_messages(transport: Transport, now: datetime | None = None, *, limit: int = 50,
                      policy: SendPolicy | None = None) -> dict[str, int]:
    """Send the messages due by `now`, one commit each; return how many were sent, retried, dead."""
    now = now or utcnow()
    policy = policy or SendPolicy.from_config(current_app.config)
    counts = {"sent": 0, "retry": 0, "dead": 0, "lost": 0}
    for message_id, tries in claim_due_messages(now, limit=limit, lease=timedelta(seconds=policy.lease_seconds)):
        counts[_send_one(transport, message_id, tries, now, policy)] += 1
    return counts


def failed_messages_query(actor):
    """The actor's agency's dead messages, newest first (agency-scoped through directory.scoping)."""
    return scoped(select(OutboxMessage).where(OutboxMessage.state == "dead"), actor).order_by(
        OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())


def _visible_message(message_id: int, actor) -> OutboxMessage:
    # Locked: a sender claiming this row waits for the clerk's change and then finds it no longer due.
    message = db.session.scalars(scoped(select(OutboxMessage).where(OutboxMessage.id == message_id), actor)
                                 .with_for_update()).first()
    if message is None:
        raise MessageNotFound(_("Không tìm thấy gói tin."))
    return message


def resend_message(message_id: int, *, actor, now: datetime | None = None) -> OutboxMessage:
    """Put a dead message back in the queue with its tries reset; due at once."""
    message = _visible_message(message_id, actor)
    if message.state != "dead":
        raise OutboxError(_("Chỉ gửi lại được gói tin gửi lỗi."))
    previous_error = message.last_error
    message.state, message.tries, message.next_try_at, message.last_error = "pending", 0, now or utcnow(), None
    record("outbox_message_resent", actor=actor, subject=message, agency_id=message.agency_id,
           previous_error=previous_error)
    db.session.flush()
    return message


def cancel_message(message_id: int, *, actor) -> OutboxMessage:
    """Give up a dead or waiting message: it is never sent."""
    message = _visible_message(message_id, actor)
    if message.state not in ("dead", "pending"):
        raise OutboxError(_("Gói tin đang gửi hoặc đã xong, không hủy được."))
    previous_state = message.state
    message.state, message.next_try_at = "cancelled", None
    record("outbox_message_cancelled", actor=actor, subject=message, agency_id=message.agency_id,
           previous_state=previous_state, previous_error=message.last_error)
    db.session.flush()
    return message
