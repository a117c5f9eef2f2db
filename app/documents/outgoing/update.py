"""The sender's side of an update (Gửi cập nhật): one package to the external recipients the document went to."""
from flask_babel import gettext as _

from app.audit.services import record
from app.documents.models import Document, DocumentNote
from app.exchange.sending import SendingRefused, queue_update
from app.extensions import db
from app.workflow.errors import OperatorRefused

from .models import OutgoingDraft
from .recall import RECALLERS

UPDATERS = RECALLERS  # the issuing agency's clerk or leader, as for a recall


def send_update(document: Document, *, actor, reason: str) -> int:
    """Queue an update package (BussinessDocType 2) with the reason; returns how many recipients it goes to."""
    draft = db.session.get(OutgoingDraft, document.id)
    reason = reason.strip()
    if draft is None or draft.stage != "released":
        raise OperatorRefused(_("Chỉ gửi cập nhật được cho văn bản đã phát hành."))
    if actor.agency_id != document.agency_id or not actor.has_role(*UPDATERS):
        raise OperatorRefused(_("Chỉ văn thư hoặc lãnh đạo của cơ quan ban hành được gửi cập nhật văn bản."))
    if document.secrecy > 0:
        raise OperatorRefused(_("Văn bản mật không được gửi ra ngoài hệ thống."))
    if not reason:
        raise OperatorRefused(_("Nêu lý do cập nhật: nơi nhận sẽ thấy lý do này."))
    try:
        message = queue_update(document, draft, actor=actor, reason=reason)
    except SendingRefused as refused:
        raise OperatorRefused(refused.reason) from None
    if message is None:
        raise OperatorRefused(_("Văn bản chưa gửi tới nơi nhận nào ngoài hệ thống; không có ai để gửi cập nhật."))
    db.session.add(DocumentNote(document_id=document.id, kind="update", text=reason, author_id=actor.id))
    record("document_update_requested", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, symbol=document.symbol, reason=reason, recipients=message.recipient_codes)
    return len(message.recipient_codes)
