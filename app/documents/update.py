"""Cập nhật (update) of a document received from another system: 15 agreed, 16 refused.

The sender's update package names a document received earlier; its header values that differ from the
document's, and a new main PDF if it carries one, wait in a DocumentUpdate while the recipient's clerk
decides in a small process. Agreeing applies them (the values they replace kept in a note and the audit
event, the old main file kept as superseded) and answers 15; refusing keeps the document as it is and
answers 16 with the reason. Either answer leaves the document's own status where it was.
"""
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.filestore import StoredFile, path_for
from app.signing.validation import (
    PdfRejected,
    crls_from_config,
    inspect_pdf,
    trust_roots_from_config,
    validate_pdf_signatures,
)
from app.sqltypes import utcnow
from app.workflow.case_changes import change_case_values
from app.workflow.errors import OperatorRefused
from app.workflow.registry import OperatorContext
from app.workflow.runtime import start_instance

from .case_subject import SUBJECT_TYPE, NoCaseDocument, case_document
from .models import RECALL_AGREED, RECALL_REFUSED, Document, DocumentFile, DocumentNote, DocumentUpdate
from .receiving import searchable_text
from .status import answer_sender

UPDATE_PROCESS = "update_request"
DATE_FIELDS = ("document_date", "due_date")


def field_labels() -> dict[str, str]:
    """The header fields an update may change, in the order the clerk reads them."""
    return {"subject": _("Trích yếu"), "number": _("Số"), "notation": _("Ký hiệu"),
            "document_date": _("Ngày văn bản"), "due_date": _("Hạn xử lý"), "signer_name": _("Người ký")}


def _current(document: Document, name: str) -> str:
    value = getattr(document, name)
    return value.isoformat() if isinstance(value, date) else (value or "")


def ask_recipient_to_update(document: Document, *, sender_code: str, sender_name: str, reason: str,
                            carried: dict[str, str], new_file: StoredFile | None, fields_info: dict,
                            package_sha256: str, actor, notes: Sequence[str] = ()) -> DocumentUpdate | None:
    """Keep the update and give the document's clerks a decision task; None if this package came before.

    `carried`: the header values the package carries ({field: text, dates ISO}); only those that differ
    from the document's are proposed. `notes`: what the clerk should know of the package (its signature).
    """
    if db.session.scalars(select(DocumentUpdate.id).where(DocumentUpdate.document_id == document.id,
                                                          DocumentUpdate.package_sha256 == package_sha256)).first():
        return None
    labels = field_labels()
    changes = {name: value for name, value in carried.items() if name in labels and value != _current(document, name)}
    main = document.main_file
    if new_file is not None and main is not None and main.sha256 == new_file.sha256:
        new_file = None  # the same PDF again is no change
    update = DocumentUpdate(document_id=document.id, sender_code=sender_code, sender_name=sender_name,
                            reason=reason, package_sha256=package_sha256, changes=changes,
                            new_file=new_file.as_data() if new_file else None, fields_info=fields_info)
    db.session.add(update)
    db.session.flush()
    instance = start_instance(
        UPDATE_PROCESS, actor=None, agency_id=document.agency_id,
        title=_("Cập nhật %(symbol)s", symbol=document.symbol), subject=(SUBJECT_TYPE, document.id), data={
            "document_id": document.id, "subject_type": "document", "subject_id": str(document.id),
            "symbol": _cell(document.symbol), "sender_name": _cell(sender_name), "update_reason": _cell(reason),
            "changes": [{"label": labels[name], "current": _shown(name, _current(document, name)),
                         "new": _shown(name, value)} for name, value in changes.items()],
            "new_file_name": _cell(new_file.name) if new_file else "",
            "fields_info": _fields_info_lines(fields_info), "package_notes": [_cell(line) for line in notes],
            "urgency": document.urgency, "lane_owners": {}})
    update.instance_id = instance.id
    record("document_update_asked", actor=actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, sender=sender_code, package_sha256=package_sha256, changes=changes,
           new_file_sha256=new_file.sha256 if new_file else None, reason=reason)
    return update


def decide_update(context: OperatorContext) -> dict:
    """The recipient clerk's answer: agree (15, the changes applied) or refuse (16, with the reason)."""
    try:
        document = case_document(context.instance)
    except NoCaseDocument:
        raise OperatorRefused(_("Không tìm thấy văn bản cần cập nhật.")) from None
    update = db.session.scalars(select(DocumentUpdate).where(DocumentUpdate.instance_id == context.instance.id,
                                                             DocumentUpdate.document_id == document.id)).first()
    if update is None or update.decision:
        raise OperatorRefused(_("Đề nghị cập nhật này không còn chờ trả lời."))
    note = str(context.task_data.get("update_note") or "").strip()
    if context.task_data.get("update_decision") == "agree":
        _apply(document, update, actor=context.actor)
        _decided(update, "agreed", note, context.actor)
        answer_sender(document, RECALL_AGREED, actor=context.actor, note=note)
        return {"updated": True}
    if not note:
        raise OperatorRefused(_("Nêu lý do từ chối cập nhật để nơi gửi biết."))
    _decided(update, "refused", note, context.actor)
    answer_sender(document, RECALL_REFUSED, actor=context.actor, note=note)
    record("document_update_refused", actor=context.actor, subject=("document", str(document.id)),
           agency_id=document.agency_id, package_sha256=update.package_sha256, note=note)
    return {"updated": False}


def _decided(update: DocumentUpdate, decision: str, note: str, actor) -> None:
    update.decision, update.note, update.decided_at = decision, note, utcnow()
    update.decided_by_id = actor.id if actor else None


def _apply(document: Document, update: DocumentUpdate, *, actor) -> None:
    """The new values and file on the document; what they replace stays in a note and the audit chain."""
    previous = {}
    for name, value in update.changes.items():
        previous[name] = _current(document, name)
        setattr(document, name, date.fromisoformat(value) if name in DATE_FIELDS else value)
    if update.new_file:
        previous["main_file"] = _replace_main_file(document, update.new_file)
    document.search_text = searchable_text(document)
    update.previous = previous
    labels = field_labels()
    before = "; ".join(f"{labels.get(name, _('Tệp chính'))}: {_plain(name, value) or '—'}"
                       for name, value in previous.items())
    db.session.add(DocumentNote(document_id=document.id, kind="update", author_id=actor.id if actor else None,
                                text=_("Cập nhật theo đề nghị của %(sender)s (%(reason)s). Trước khi cập nhật: %(before)s",
                                       sender=update.sender_name or update.sender_code,
                                       reason=update.reason or "—", before=before or "—")))
    record("document_updated", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           package_sha256=update.package_sha256, changes=update.changes, previous=previous,
           new_file_sha256=update.new_file["sha256"] if update.new_file else None)
    if "due_date" in update.changes and document.instance_id:
        # The handling's reminder and overdue timers were computed from the old date: they follow the new one.
        change_case_values(document.instance_id, {"due_date": update.changes["due_date"]}, actor=actor,
                           reason=_("Hạn xử lý cập nhật theo đề nghị của %(sender)s.",
                                    sender=update.sender_name or update.sender_code))


def _replace_main_file(document: Document, new_file: dict) -> str:
    """The package's PDF becomes the main file, its signatures judged; the old one stays as superseded."""
    config = current_app.config
    pdf = path_for(Path(config["FILES_DIR"]), new_file["sha256"]).read_bytes()
    try:
        facts = inspect_pdf(pdf)
    except PdfRejected as refused:
        raise OperatorRefused(_("Tệp PDF trong gói cập nhật không dùng được: %(reason)s", reason=refused)) from None
    old_name = ""
    for earlier in document.files:
        if earlier.role == "main":
            earlier.role, old_name = "superseded", earlier.name
    document.files.append(DocumentFile(role="main", position=0, sha256=new_file["sha256"], name=new_file["name"],
                                       size=new_file["size"], content_type=new_file.get("content_type")
                                       or "application/pdf"))
    document.page_count = facts.page_count
    document.signature_verdicts = [v.as_data() for v in validate_pdf_signatures(
        pdf, trust_roots=trust_roots_from_config(config), crls=crls_from_config(config))]
    return old_name


def _shown(name: str, value: str) -> str:
    """A value as the clerk reads it in the instructions' table."""
    return _cell(_plain(name, value))


def _plain(name: str, value: str) -> str:
    """A value as people read it (dates dd/mm/yyyy)."""
    if name in DATE_FIELDS and value:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return value


def _cell(text: str) -> str:
    """The sender's text as literal Markdown for the instructions: on one line (a line break would end a table
    cell) and every ASCII punctuation mark escaped, so a subject cannot become a link, a heading or a column."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", " ".join(str(text or "").split()))


def _fields_info_lines(info: dict) -> list[str]:
    """BussinessDocumentInfo as the sender wrote it (its meaning varies between systems: shown, not acted on)."""
    lines = []
    if info.get("document_info"):
        lines.append(_("Thông tin văn bản (DocumentInfo): %(value)s", value=_cell(info["document_info"])))
    if info.get("document_receiver"):
        lines.append(_("Nơi nhận (DocumentReceiver): %(value)s", value=_cell(info["document_receiver"])))
    for receiver in info.get("receivers") or ():
        lines.append(_("Nơi nhận %(code)s (loại %(kind)s)", code=_cell(receiver.get("organ_id") or "—"),
                       kind=_cell(receiver.get("receiver_type") or "—")))
    return lines
