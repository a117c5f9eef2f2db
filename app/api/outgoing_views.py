"""Outgoing-document endpoints: lists, preview, live recipient statuses, signature check, recall, update, and
signing with a key held elsewhere (prepare, then finish).

Drafting, reviews and both signing steps go through the task endpoints like every other step
(POST /api/v1/tasks/<id>; a signing step takes its PIN as "pin" beside the form data).
"""
import base64
import binascii
import hashlib
from functools import wraps

from flask import g, jsonify, send_file
from flask_babel import gettext as _

from app.documents.access import open_document
from app.documents.outgoing.external_signing import finish_signature, prepare_signature
from app.documents.outgoing.letter import render_letter
from app.documents.outgoing.lists import drafts_naming_people, drafts_query, released_query
from app.documents.outgoing.models import OutgoingDraft
from app.documents.outgoing.page import RecipientStatus, recipient_statuses, recipient_statuses_by_draft
from app.documents.outgoing.recall import request_recall
from app.documents.outgoing.update import send_update
from app.documents.verification import verify_files
from app.extensions import db
from app.workflow.errors import WorkflowError
from app.workflow.signing_node import SIGNATURE_RESULT_KEY
from app.workflow.task_pages import find_my_task

from .auth import reader_required, token_required
from .blueprint import bp
from .document_views import document_json
from .errors import api_error_response
from .openapi import documented
from .pagination import paged_json
from .schemas import (
    Completion,
    FinishSigningBody,
    OutgoingFull,
    OutgoingListed,
    OutgoingQuery,
    PreparedSigning,
    PrepareSigningBody,
    RecallAnswer,
    RecallBody,
    SignatureCheck,
    UpdateAnswer,
    UpdateBody,
    page_of,
)


def outgoing_json(draft: OutgoingDraft, statuses: list[RecipientStatus] | None = None) -> dict:
    """The draft's stage, people and recipients; `statuses` when read already for a whole page."""
    return {
        "stage": draft.stage, "drafter": draft.drafter.username if draft.drafter else None,
        "signer": draft.signer.username if draft.signer else None,
        "authority": f"{draft.authority} {draft.authority_of}".strip(),
        "signed_at": draft.signed_at.isoformat() if draft.signed_at else None,
        "issued_at": draft.issued_at.isoformat() if draft.issued_at else None,
        "released_at": draft.released_at.isoformat() if draft.released_at else None,
        "recipients": [{"code": r.code, "name": r.name, "internal": r.internal, "status": r.status_code,
                        "at": r.at.isoformat() if r.at else None, "note": r.note, "exchange": r.exchange_state or None,
                        "outbox_state": r.outbox_state,
                        "timeline": [{"code": s.code, "at": s.at.isoformat(), "note": s.note or None} for s in r.timeline],
                        "slow": r.slow}
                       for r in (recipient_statuses(draft) if statuses is None else statuses)],
    }


def _outgoing(document_id: int):
    document = open_document(document_id, g.api_user)
    draft = db.session.get(OutgoingDraft, document_id) if document is not None else None
    return document, draft


def _listed(documents: list) -> list[dict]:
    """A page of the list: its drafts and every recipient's status read for the page, not per document."""
    drafts = drafts_naming_people(documents)
    statuses = recipient_statuses_by_draft(list(drafts))
    return [{**document_json(document), "outgoing": outgoing_json(drafts[document.id], statuses[document.id])}
            for document in documents]


@bp.route("/api/v1/documents/outgoing")
@token_required
@reader_required
@documented("Văn bản đi đã phát hành (drafts=1: dự thảo đang trình), kèm trạng thái từng nơi nhận",
            query=OutgoingQuery, response=page_of(OutgoingListed))
def list_outgoing(query: OutgoingQuery):
    if query.drafts == "1":
        return paged_json(drafts_query(g.api_user), _listed, query, whole_page=True)
    return paged_json(released_query(g.api_user, query.q), _listed, query, whole_page=True)


@bp.route("/api/v1/documents/<int:document_id>/outgoing")
@token_required
@documented("Văn bản đi: giai đoạn, người ký, trạng thái trực tiếp của từng nơi nhận (01–06, 13–16)",
            response=OutgoingFull)
def get_outgoing(document_id: int):
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    db.session.commit()
    return jsonify({**document_json(document, full=True), "outgoing": outgoing_json(draft)})


@bp.route("/api/v1/documents/<int:document_id>/preview")
@token_required
@documented("Bản xem trước PDF của dự thảo (số và ngày để trống đến khi cấp số)", response="application/pdf")
def preview_outgoing(document_id: int):
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    db.session.commit()
    return send_file(render_letter(draft, document).path, mimetype="application/pdf",
                     download_name=f"du-thao-{document.id}.pdf")


@bp.route("/api/v1/documents/<int:document_id>/signatures")
@token_required
@documented("Kiểm tra lại chữ ký số của văn bản (tệp chính và tài liệu kèm theo) ngay bây giờ",
            response=SignatureCheck)
def check_signatures(document_id: int):
    document = open_document(document_id, g.api_user)
    if document is None:
        return api_error_response(404, _("Không tìm thấy văn bản."))
    checked = verify_files(document, g.api_user)
    db.session.commit()
    main = next((c.verdicts for c in checked if c.file.role == "main"), [])
    return jsonify(document_id=document.id, signatures=main, files=[
        {"id": c.file.id, "role": c.file.role, "name": c.file.name, "sha256": c.file.sha256,
         "signatures": c.verdicts} for c in checked])


@bp.route("/api/v1/documents/<int:document_id>/recall", methods=["POST"])
@token_required
@reader_required  # refused before the body is read
@documented("Thu hồi văn bản đi đã phát hành (lý do bắt buộc): nơi nhận trả lời 15 hoặc 16",
            body=RecallBody, response=RecallAnswer, errors=(409,))
def recall_outgoing(document_id: int, body: RecallBody):
    return _ask_recipients(document_id, lambda document: request_recall(document, actor=g.api_user,
                                                                        reason=body.reason))


@bp.route("/api/v1/documents/<int:document_id>/update", methods=["POST"])
@token_required
@reader_required  # refused before the body is read
@documented("Gửi cập nhật văn bản đi đã phát hành (lý do bắt buộc) tới các nơi nhận ngoài hệ thống: gói tin "
            "BussinessDocType 2; nơi nhận trả lời 15 hoặc 16",
            body=UpdateBody, response=UpdateAnswer, errors=(409,))
def update_outgoing(document_id: int, body: UpdateBody):
    return _ask_recipients(document_id, lambda document: send_update(document, actor=g.api_user, reason=body.reason))


def _ask_recipients(document_id: int, ask):
    """A sender's request about a released document (recall, update), as the web's route body does it:
    `ask(document)` returns how many recipients were asked."""
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    try:
        asked = ask(document)
    except WorkflowError as refused:
        db.session.rollback()
        return api_error_response(refused.status, refused.message)
    db.session.commit()
    return jsonify(asked=asked, outgoing=outgoing_json(draft))


def holding_task(view):
    """Answer 404 unless the caller holds the task named in the path (checked before the body)."""
    @wraps(view)
    def checked(task_id: str, **kwargs):
        if find_my_task(task_id, g.api_user) is None:
            return api_error_response(404, _("Không tìm thấy công việc."))
        return view(task_id, **kwargs)
    return checked


def _base64(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(name) from None


@bp.route("/api/v1/tasks/<task_id>/signing/prepare", methods=["POST"])
@token_required
@holding_task  # a stranger is refused before the body is read
@documented("Ký số bằng khóa giữ ở nơi khác (USB token, dịch vụ ký từ xa), bước 1: gửi chứng thư số, "
            "nhận nội dung cần ký (signed_attributes, digest SHA-256)", body=PrepareSigningBody,
            response=PreparedSigning, status=201, errors=(409,))
def prepare_external_signature(task_id: str, body: PrepareSigningBody):
    try:
        certificate = _base64(body.certificate, "certificate")
        chain = tuple(_base64(c, "chain") for c in body.chain)
    except ValueError as bad:
        return api_error_response(400, _("Trường %(name)s phải là base64.", name=str(bad)))
    data = {**body.data, "decision": "sign"}
    try:
        pending = prepare_signature(task_id, g.api_user, certificate_der=certificate, chain_der=chain, form_data=data)
    except WorkflowError as refused:
        db.session.rollback()
        return api_error_response(refused.status, refused.message)
    db.session.commit()
    return jsonify(session=pending.id, signed_attributes=base64.b64encode(pending.signed_attributes).decode(),
                   digest=base64.b64encode(hashlib.sha256(pending.signed_attributes).digest()).decode(),
                   digest_algorithm="sha256", expires_at=pending.expires_at.isoformat()), 201


@bp.route("/api/v1/signing/<session_id>/finish", methods=["POST"])
@token_required
@documented("Ký số bằng khóa giữ ở nơi khác, bước 2: gửi giá trị chữ ký; bước ký hoàn thành",
            body=FinishSigningBody, response=Completion, errors=(409,))
def finish_external_signature(session_id: str, body: FinishSigningBody):
    try:
        value = _base64(body.signature, "signature")
    except ValueError:
        return api_error_response(400, _("Trường %(name)s phải là base64.", name="signature"))
    try:
        completion = finish_signature(session_id, g.api_user, value)
    except WorkflowError as refused:
        db.session.rollback()
        return api_error_response(refused.status, refused.message)
    db.session.commit()
    return jsonify(status="completed", task_spec=completion.task_spec_id,
                   signature=completion.prepared.get(SIGNATURE_RESULT_KEY))
