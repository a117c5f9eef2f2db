"""Thu hồi (recall) of a document delivered inside the installation: 13 asked, 15 agreed, 16 refused.

The sender's request puts the recipient's copy in status 13 and starts, at the recipient agency, a
small process for its clerk. Agreeing (15) cancels the copy's handling and takes it out of the
lists; refusing (16) keeps everything as it was, with the clerk's note for the sender. Every step is
in the audit chain.
"""
from flask_babel import gettext as _

from app.audit.services import record
from app.notifications.events import tell_recall_requested
from app.workflow.case_changes import cancel_instance
from app.workflow.errors import OperatorRefused
from app.workflow.registry import OperatorContext
from app.workflow.runtime import start_instance

from .case_subject import SUBJECT_TYPE, NoCaseDocument, case_document
from .models import RECALL_AGREED, RECALL_ASKED, RECALL_REFUSED, Document
from .status import change_status

RECALL_PROCESS = "recall_request"


def ask_recipient_to_recall(delivered: Document, *, sender_name: str, reason: str, actor) -> bool:
    """Status 13 on the recipient's copy and a decision task its clerks are told of; False if already recalled."""
    if delivered.status_code in (RECALL_ASKED, RECALL_AGREED):
        return False
    change_status(delivered, RECALL_ASKED, actor=actor, note=reason)
    instance = start_instance(
        RECALL_PROCESS, actor=None, agency_id=delivered.agency_id, title=_("Thu hồi %(symbol)s", symbol=delivered.symbol),
        subject=(SUBJECT_TYPE, delivered.id), data={
            "document_id": delivered.id, "subject_type": "document", "subject_id": str(delivered.id),
            "symbol": delivered.symbol, "sender_name": sender_name, "recall_reason": reason,
            "urgency": delivered.urgency, "lane_owners": {}})
    tell_recall_requested(delivered, instance.id, actor=actor)
    return True


def decide_recall(context: OperatorContext) -> dict:
    """The recipient clerk's answer: agree (15, handling cancelled, out of the lists) or refuse (16)."""
    try:
        document = case_document(context.instance)
    except NoCaseDocument:
        raise OperatorRefused(_("Không tìm thấy văn bản cần thu hồi.")) from None
    note = str(context.task_data.get("recall_note") or "").strip()
    if context.task_data.get("recall_decision") == "agree":
        change_status(document, RECALL_AGREED, actor=context.actor, note=note)
        if document.instance_id:
            cancel_instance(document.instance_id, actor=context.actor,
                            reason=_("Văn bản được thu hồi theo đề nghị của nơi gửi."))
        record("document_recalled", actor=context.actor, subject=("document", str(document.id)),
               agency_id=document.agency_id, source_document_id=document.source_document_id, note=note)
        return {"recalled": True}
    if not note:
        raise OperatorRefused(_("Nêu lý do từ chối thu hồi để nơi gửi biết."))
    change_status(document, RECALL_REFUSED, actor=context.actor, note=note)
    return {"recalled": False}
