"""The drafting steps of the outgoing process: save the draft, record each review and the signer's decision.

Operators get the workflow's typed context and change the draft in the completion's transaction.
A draft the process cannot go on with (no recipient, a malformed agency code, a secret document
addressed outside) is refused with an OperatorRefused naming what to fix; nothing is kept.
"""
import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from app.directory.models import Agency, Department, User
from app.documents.case_subject import SUBJECT_TYPE, NoCaseDocument, case_document
from app.documents.models import Document, DocumentFile, DocumentLink, DocumentNote
from app.documents.receiving import searchable_text
from app.documents.vocabulary import DOCUMENT_TYPES
from app.extensions import db
from app.notifications.models import DRAFT_RETURNED
from app.notifications.services import notify
from app.vietnam_time import vietnam_today
from app.workflow.errors import OperatorRefused
from app.workflow.registry import OperatorContext
from app.workflow.runtime import name_subject

from .letter import notation_for
from .models import OutgoingDraft, OutgoingRecipient

# Mã định danh (QCVN 102): ccc.cc.cc.Lnn, lowest level first.
AGENCY_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}")


def draft_of(context: OperatorContext) -> OutgoingDraft:
    return case_draft(context.instance)


def case_draft(instance) -> OutgoingDraft:
    """The outgoing draft the case is about (named by the instance when the drafting step created it)."""
    document = case_document(instance)
    draft = db.session.get(OutgoingDraft, document.id)
    if draft is None:
        raise NoCaseDocument(_("Không tìm thấy dự thảo của hồ sơ."))
    # The session holds loaded rows weakly: unless the draft keeps the document it was found by,
    # `draft.document` would read the same row again.
    set_committed_value(draft, "document", document)
    return draft


def _external_recipients(text: str) -> list[tuple[str, str]]:
    found = []
    for number, line in enumerate((line.strip() for line in (text or "").splitlines()), start=1):
        if not line:
            continue
        code, _dash, name = (part.strip() for part in line.partition("-"))
        if not AGENCY_CODE.fullmatch(code) or not name:
            raise OperatorRefused(_("Nơi nhận ngoài hệ thống, dòng %(n)s: cần \"mã định danh - tên cơ quan\" "
                                    "(ví dụ 000.00.00.G22 - Văn phòng Chính phủ).", n=number))
        found.append((code, name))
    return found


def _recipients(data: dict, sender_agency_id: int, secrecy: int) -> list[OutgoingRecipient]:
    codes = [str(code) for code in data.get("recipients") or []]
    agencies = {a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(codes),
                                                                          Agency.active.is_(True)))}
    unknown = [code for code in codes if code not in agencies]
    if unknown:
        raise OperatorRefused(_("Không có cơ quan mã %(codes)s trong hệ thống.", codes=", ".join(unknown)))
    external = _external_recipients(data.get("external_recipients") or "")
    if external and secrecy > 0:
        raise OperatorRefused(_("Văn bản mật không được gửi ra ngoài hệ thống; bỏ nơi nhận ngoài hệ thống."))
    if sender_agency_id in {a.id for a in agencies.values()}:
        raise OperatorRefused(_("Nơi nhận không thể là chính cơ quan ban hành."))
    recipients = [OutgoingRecipient(agency_id=agencies[code].id, code=code, name=agencies[code].name)
                  for code in codes]
    internal_codes = set(codes)
    recipients += [OutgoingRecipient(code=code, name=name) for code, name in external if code not in internal_codes]
    if not recipients:
        raise OperatorRefused(_("Chọn ít nhất một nơi nhận (trong tỉnh hoặc ngoài hệ thống)."))
    for position, recipient in enumerate(recipients):
        recipient.position = position
    return recipients


def _kept_rows(existing: list[OutgoingRecipient], wanted: list[OutgoingRecipient]) -> list[OutgoingRecipient]:
    """The wanted recipients, reusing the rows already there (by code): a redraft keeps its unchanged rows."""
    by_code = {row.code: row for row in existing}
    kept = []
    for recipient in wanted:
        row = by_code.get(recipient.code)
        if row is None:
            kept.append(recipient)
        else:
            row.agency_id, row.name, row.position = recipient.agency_id, recipient.name, recipient.position
            kept.append(row)
    return kept


def _signer(data: dict, agency_id: int) -> User:
    signer = db.session.scalars(select(User).where(User.username == str(data.get("signer") or ""),
                                                   User.agency_id == agency_id, User.active.is_(True))).first()
    if signer is None or not signer.has_role("leader"):
        raise OperatorRefused(_("Người ký phải là lãnh đạo đang hoạt động của cơ quan."))
    return signer


def save_draft(context: OperatorContext) -> dict:
    """Create or update the outgoing document and its draft from the drafting form."""
    data, actor = context.task_data, context.actor
    doc_type = str(data.get("doc_type") or "")
    if doc_type not in DOCUMENT_TYPES:
        raise OperatorRefused(_("Chọn loại văn bản."))
    agency_id = context.instance.agency_id
    secrecy, urgency = int(data.get("secrecy") or 0), int(data.get("urgency") or 0)
    agency = db.session.get(Agency, agency_id)
    signer = _signer(data, agency_id)
    recipients = _recipients(data, agency_id, secrecy)
    # The case's first save creates the document and names it the case's subject; later saves edit that
    # one (never a document named by the answer).
    draft = case_draft(context.instance) if context.subject_id(SUBJECT_TYPE) else None
    if draft is None:
        department_id = actor.department_id if actor else None
    elif draft.stage not in ("drafting", "content_review"):
        raise OperatorRefused(_("Dự thảo đã được ký; không thể sửa."))
    else:
        department_id = draft.department_id
    department = db.session.get(Department, department_id) if department_id else None
    # Everything read above, before the first save's INSERTs: a query in between would flush the new
    # rows half filled and then UPDATE them, and load the recipients of a draft that has none yet.
    document = draft.document if draft is not None else Document(
        agency_id=agency_id, direction="outgoing", origin="internal", issuer_agency_id=agency_id,
        document_date=vietnam_today(), instance_id=context.instance.id, received_by_id=actor.id if actor else None)
    document.doc_type, document.subject = doc_type, str(data.get("subject") or "").strip()
    document.urgency, document.secrecy = urgency, secrecy
    document.issuer_code, document.issuer_name = agency.code, agency.name
    document.signer_name = signer.full_name
    document.notation = notation_for(doc_type, agency, department.abbreviation if department else "")
    document.search_text = searchable_text(document)
    if draft is None:
        db.session.add(document)
        db.session.flush()
        draft = OutgoingDraft(document_id=document.id, drafter_id=actor.id if actor else None,
                              department_id=department_id)
        db.session.add(draft)
        name_subject(context.instance, SUBJECT_TYPE, document.id)
    draft.body = str(data.get("body") or "")
    draft.extra_recipient_lines = [line.strip() for line in str(data.get("extra_recipient_lines") or "").splitlines()
                                   if line.strip()]
    draft.signer_id, draft.authority = signer.id, str(data.get("authority") or "")
    draft.authority_of = str(data.get("authority_of") or "").strip() if draft.authority else ""
    draft.reply_to_id = _reply_to(data.get("reply_to_document_id"), agency_id)
    _link_replaced(document, data.get("replaces_document_id"), agency_id)
    draft.recipients = _kept_rows(draft.recipients, recipients)
    draft.stage = "content_review"
    _keep_attachment(document, data.get("attachment"))
    db.session.flush()
    # The diagram's gateway after this step reads both: a secret draft never goes on towards the axis.
    return {"document_id": document.id, "department_id": draft.department_id, "signer": signer.username,
            "secrecy": secrecy, "external": any(r.agency_id is None for r in recipients)}


def _reply_to(value, agency_id: int) -> int | None:
    if not value:
        return None
    incoming = db.session.get(Document, int(value))
    if incoming is None or incoming.agency_id != agency_id or incoming.direction != "incoming":
        raise OperatorRefused(_("Văn bản được trả lời không thuộc cơ quan."))
    return incoming.id


def _link_replaced(document: Document, value, agency_id: int) -> None:
    """A replacement (Thay thế) names the released document it supersedes; recipients get both linked."""
    if not value:
        return
    replaced = db.session.get(OutgoingDraft, int(value))
    if replaced is None or replaced.document.agency_id != agency_id or replaced.stage not in ("released", "recalled"):
        raise OperatorRefused(_("Chỉ thay thế được văn bản đi đã phát hành của cơ quan."))
    exists = db.session.scalars(select(DocumentLink).where(
        DocumentLink.document_id == document.id, DocumentLink.kind == "replaces")).first()
    if exists is None:
        db.session.add(DocumentLink(document_id=document.id, kind="replaces", related_id=replaced.document_id,
                                    reference=replaced.document.symbol))


def _keep_attachment(document: Document, stored: dict | None) -> None:
    """The uploaded appendix (task data keeps its hash); a new upload replaces the previous one."""
    if not stored:
        return
    if any(f.sha256 == stored["sha256"] for f in document.files if f.role == "attachment"):
        return
    document.files = [f for f in document.files if f.role != "attachment"] + [DocumentFile(
        role="attachment", position=1, sha256=stored["sha256"], name=stored["name"], size=stored["size"])]


def _review(context: OperatorContext, *, approved_stage: str, kind: str) -> dict:
    draft = draft_of(context)
    decision = context.task_data.get("decision")
    comment = str(context.task_data.get("comment") or "").strip()
    returned = decision == "return"
    if returned and not comment:
        raise OperatorRefused(_("Nêu nội dung cần sửa khi trả lại dự thảo."))
    if returned or comment:
        db.session.add(DocumentNote(document_id=draft.document_id, kind="return" if returned else kind,
                                    text=comment or "-", author_id=context.actor.id if context.actor else None))
    draft.stage = "drafting" if returned else approved_stage
    if returned:
        notify(draft.drafter_id, DRAFT_RETURNED, document_id=draft.document_id, actor=context.actor)
    return {"returned": returned}


def record_content_review(context: OperatorContext) -> dict:
    """Duyệt nội dung: approve on to the format check, or return to the drafter with the comment."""
    return _review(context, approved_stage="format_check", kind="review")


def record_format_check(context: OperatorContext) -> dict:
    """Kiểm tra thể thức: approve on to the signer, or return with the comment."""
    return _review(context, approved_stage="signing", kind="review")


def record_signing(context: OperatorContext) -> dict:
    """After the signer's step: signed (on to the clerk) or returned with the comment, nothing signed."""
    return _review(context, approved_stage="issuing", kind="review")


def issue_date_text(day: date) -> str:
    """"ngày 05 tháng 01 năm 2026": days below 10 and the months 1 and 2 zero-padded (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
