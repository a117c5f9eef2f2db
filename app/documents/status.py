"""The status trail of a document (QCVN 102 codes): every change kept with time, actor and note."""
from app.audit.services import record
from app.extensions import db
from app.sqltypes import utcnow

from .models import COMPLETED, REFUSED, Document, StatusChange


def change_status(document: Document, code: str, *, actor=None, note: str = "") -> StatusChange:
    """Move the document to `code` and keep the step; a repeated code is not a new step."""
    if document.status_code == code and document.statuses:
        return document.statuses[-1]
    change = StatusChange(code=code, actor_id=actor.id if actor else None, note=note or "", at=utcnow(),
                          # External senders hear of it by a status package, sent later by the exchange.
                          notice_pending=document.origin == "edxml")
    document.statuses.append(change)
    document.status_code = code
    if code in (COMPLETED, REFUSED):
        document.completed_at = change.at
    db.session.flush()
    record("document_status", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           code=code, note=note or "")
    return change
