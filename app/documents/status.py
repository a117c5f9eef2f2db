"""The status trail of a document (QCVN 102 codes): every change kept with time, actor and note.

Other domains hear of each change through listeners registered on the app (`add_status_listener`), so
this module does not depend on them: the exchange tells an external sender its milestones that way.
"""
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import bindparam, select

from app.audit.services import record
from app.extensions import db
from app.sqltypes import utcnow

from .models import COMPLETED, REFUSED, Document, StatusChange

LISTENERS_KEY = "lienthong.status_listeners"
# listener(document, change, *, actor): runs in the change's transaction; flushes, never commits.
StatusListener = Callable[..., None]


def add_status_listener(app: Flask, listener: StatusListener) -> None:
    listeners = app.extensions.setdefault(LISTENERS_KEY, [])
    if listener not in listeners:
        listeners.append(listener)


# The last step of a document, read alone when its code is asked again (built once: no statement per call).
_LAST_STEP = (select(StatusChange).where(StatusChange.document_id == bindparam("document_id"))
              .order_by(StatusChange.id.desc()).limit(1))


def change_status(document: Document, code: str, *, actor=None, note: str = "") -> StatusChange:
    """Move the document to `code` and keep the step; a repeated code is not a new step."""
    if document.status_code == code:
        last = _last_step(document)
        if last is not None:
            return last
    document.status_code = code
    at = utcnow()
    if code in (COMPLETED, REFUSED):
        document.completed_at = at
    return _step(document, code, actor=actor, note=note, at=at)


def answer_sender(document: Document, code: str, *, actor=None, note: str = "") -> StatusChange:
    """Keep a step that answers a sender's request (15/16 to an update) and leaves the document's own status
    as it is: an agreed update does not take the document out of its lists the way an agreed recall does."""
    return _step(document, code, actor=actor, note=note, at=utcnow())


def _last_step(document: Document) -> StatusChange | None:
    """The trail's last step: from the trail when it is loaded, else its one row (the statement autoflushes)."""
    if "statuses" in document.__dict__ or document.id is None:
        return document.statuses[-1] if document.statuses else None
    return db.session.scalars(_LAST_STEP, {"document_id": document.id}).first()


def _step(document: Document, code: str, *, actor, note: str, at) -> StatusChange:
    change = StatusChange(code=code, actor_id=actor.id if actor else None, note=note or "", at=at,
                          # External senders hear of it by a status package (the exchange's listener).
                          notice_pending=document.origin == "edxml")
    _append(document, change)
    # record() flushes the step first, so listeners see it with its id.
    record("document_status", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           code=code, note=note or "")
    for listener in current_app.extensions.get(LISTENERS_KEY, ()):
        listener(document, change, actor=actor)
    return change


def _append(document: Document, change: StatusChange) -> None:
    """Add the step without loading the whole trail to append one row; a trail already loaded (or a new
    document's) gets it in the list too, so whoever reads it in this session sees the step."""
    if "statuses" in document.__dict__ or document.id is None:
        document.statuses.append(change)
    else:
        change.document_id = document.id
        db.session.add(change)
