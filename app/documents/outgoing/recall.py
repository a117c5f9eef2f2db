"""The sender's side of a recall: every recipient is asked, the draft is marked recalled."""
from flask_babel import gettext as _

from app.audit.services import record
from app.documents.models import Document, DocumentNote
from app.documents.recall import ask_recipient_to_recall
from app.exchange.sending import queue_recall
from app.extensions import db
from app.sqltypes import utcnow
from app.workflow.errors import OperatorRefused

from .models import OutgoingDraft

RECALLERS = ("clerk", "leader")


def request_recall(document: Document, *, actor, reason: str) -> int:
    """Ask each recipient to recall the released document; returns how many were asked."""
    draft = db.session.get(OutgoingDraft, document.id)
    reason = reason.strip()
    if draft is None or draft.stage != "released":
        raise OperatorRefused(_("Chỉ thu hồi được văn bản đã phát hành."))
    if actor.agency_id != document.agency_id or not actor.has_role(*RECALLERS):
        raise OperatorRefused(_("Chỉ văn thư hoặc lãnh đạo của cơ quan ban hành được thu hồi văn bản."))
    if not reason:
        raise OperatorRefused(_("Nêu lý do thu hồi: nơi nhận sẽ thấy lý do này."))
    asked = 0
    for recipient in draft.recipients:
        if recipient.delivered_document is not None:
            asked += ask_recipient_to_recall(recipient.delivered_document, sender_name=document.issuer_name,
                                             reason=reason, actor=actor)
        elif recipient.exchange_state in ("queued", "sent"):
            recipient.exchange_state, recipient.queued_at = "recalling", utcnow()  # fits String(12)
            asked += 1
    queue_recall(document, draft, actor=actor, reason=reason)  # the external ones: one recall package
    draft.stage = "recalled"
    db.session.add(DocumentNote(document_id=document.id, kind="recall", text=reason, author_id=actor.id))
    record("document_recall_requested", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, symbol=document.symbol, reason=reason, recipients=asked)
    return asked
