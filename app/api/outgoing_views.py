"""Outgoing-document endpoints: lists, preview, live recipient statuses, signature check, recall, and
signing with a key held elsewhere (prepare, then finish).

Drafting, reviews and both signing steps go through the task endpoints like every other step
(POST /api/v1/tasks/<id>; a signing step takes its PIN as "pin" beside the form data).
"""
import base64
import binascii
import hashlib

from flask import g, jsonify, request, send_file
from flask_babel import gettext as _

from app.documents.access import open_document
from app.documents.outgoing.external_signing import finish_signature, prepare_signature
from app.documents.outgoing.letter import render_letter
from app.documents.outgoing.lists import drafts_query, released_query
from app.documents.outgoing.models import OutgoingDraft
from app.documents.outgoing.page import recipient_statuses
from app.documents.outgoing.recall import request_recall
from app.documents.verification import verify_files
from app.extensions import db
from app.workflow.runtime import WorkflowError
from app.workflow.signing_node import SIGNATURE_RESULT_KEY
from app.workflow.task_pages import find_my_task

from . import bp
from .auth import reader_required, token_required
from .document_views import document_json
from .errors import api_error_response
from .openapi import documented, error_responses
from .pagination import PAGE_PARAMETERS, paged_json

BEARER = [{"bearer": []}]


def outgoing_json(draft: OutgoingDraft) -> dict:
    return {
        "stage": draft.stage, "drafter": draft.drafter.username if draft.drafter else None,
        "signer": draft.signer.username if draft.signer else None,
        "authority": f"{draft.authority} {draft.authority_of}".strip(),
        "signed_at": draft.signed_at.isoformat() if draft.signed_at else None,
        "issued_at": draft.issued_at.isoformat() if draft.issued_at else None,
        "released_at": draft.released_at.isoformat() if draft.released_at else None,
        "recipients": [{"code": r.code, "name": r.name, "internal": r.internal, "status": r.status_code,
                        "at": r.at.isoformat() if r.at else None, "note": r.note, "exchange": r.exchange_state or None}
                       for r in recipient_statuses(draft)],
    }


def _outgoing(document_id: int):
    document = open_document(document_id, g.api_user)
    draft = db.session.get(OutgoingDraft, document_id) if document is not None else None
    return document, draft


def _listed(document) -> dict:
    return {**document_json(document), "outgoing": outgoing_json(db.session.get(OutgoingDraft, document.id))}


@bp.route("/api/v1/documents/outgoing")
@documented(summary="Văn bản đi đã phát hành (drafts=1: dự thảo đang trình), kèm trạng thái từng nơi nhận",
            security=BEARER, parameters=[{"name": "q", "in": "query", "schema": {"type": "string"}},
                                         {"name": "drafts", "in": "query", "schema": {"type": "string"}}]
            + PAGE_PARAMETERS, responses={"200": {"description": "Danh sách"}, **error_responses(401, 403)})
@token_required
@reader_required
def list_outgoing():
    if request.args.get("drafts") == "1":
        return paged_json(drafts_query(g.api_user), _listed)
    return paged_json(released_query(g.api_user, request.args.get("q", "")[:200]), _listed)


@bp.route("/api/v1/documents/<int:document_id>/outgoing")
@documented(summary="Văn bản đi: giai đoạn, người ký, trạng thái trực tiếp của từng nơi nhận (01–06, 13–16)",
            security=BEARER, responses={"200": {"description": "Văn bản đi"}, **error_responses(401, 404)})
@token_required
def get_outgoing(document_id: int):
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    db.session.commit()
    return jsonify({**document_json(document, full=True), "outgoing": outgoing_json(draft)})


@bp.route("/api/v1/documents/<int:document_id>/preview")
@documented(summary="Bản xem trước PDF của dự thảo (số và ngày để trống đến khi cấp số)", security=BEARER,
            responses={"200": {"description": "PDF", "content": {"application/pdf": {}}}, **error_responses(401, 404)})
@token_required
def preview_outgoing(document_id: int):
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    db.session.commit()
    return send_file(render_letter(draft, document).path, mimetype="application/pdf",
                     download_name=f"du-thao-{document.id}.pdf")


@bp.route("/api/v1/documents/<int:document_id>/signatures")
@documented(summary="Kiểm tra lại chữ ký số của văn bản (tệp chính và tài liệu kèm theo) ngay bây giờ",
            security=BEARER,
            responses={"200": {"description": "Kết luận"}, **error_responses(401, 404)})
@token_required
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
@documented(summary="Thu hồi văn bản đi đã phát hành (lý do bắt buộc): nơi nhận trả lời 15 hoặc 16",
            security=BEARER, requestBody={"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            responses={"200": {"description": "Đã đề nghị thu hồi"}, **error_responses(400, 401, 404, 422)})
@token_required
def recall_outgoing(document_id: int):
    document, draft = _outgoing(document_id)
    if draft is None:
        return api_error_response(404, _("Không tìm thấy văn bản đi."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
    try:
        asked = request_recall(document, actor=g.api_user, reason=str(body.get("reason") or ""))
    except WorkflowError as refused:
        db.session.rollback()
        return api_error_response(refused.status, refused.message)
    db.session.commit()
    return jsonify(asked=asked, outgoing=outgoing_json(draft))


def _base64(value, name: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(name) from None


@bp.route("/api/v1/tasks/<task_id>/signing/prepare", methods=["POST"])
@documented(summary="Ký số bằng khóa giữ ở nơi khác (USB token, dịch vụ ký từ xa), bước 1: gửi chứng thư số, "
                    "nhận nội dung cần ký", security=BEARER,
            requestBody={"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["certificate"],
                "properties": {"certificate": {"type": "string", "description": "base64 DER"},
                               "chain": {"type": "array", "items": {"type": "string"}},
                               "data": {"type": "object", "description": "dữ liệu biểu mẫu của bước ký"}}}}}},
            responses={"201": {"description": "signed_attributes (DER, base64) và digest SHA-256 để ký; session, "
                                              "expires_at"}, **error_responses(400, 401, 404, 422)})
@token_required
def prepare_external_signature(task_id: str):
    if find_my_task(task_id, g.api_user) is None:  # refused before the body is read
        return api_error_response(404, _("Không tìm thấy công việc."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("data", {}), dict):
        return api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
    try:
        certificate = _base64(body.get("certificate"), "certificate")
        chain = tuple(_base64(c, "chain") for c in body.get("chain") or ())
    except ValueError as bad:
        return api_error_response(400, _("Trường %(name)s phải là base64.", name=str(bad)))
    data = {**body.get("data", {}), "decision": "sign"}
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
@documented(summary="Ký số bằng khóa giữ ở nơi khác, bước 2: gửi giá trị chữ ký; bước ký hoàn thành",
            security=BEARER, requestBody={"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["signature"],
                "properties": {"signature": {"type": "string", "description": "base64: RSA PKCS#1 v1.5 hoặc ECDSA "
                                                                              "trên signed_attributes"}}}}}},
            responses={"200": {"description": "Đã ký, bước ký hoàn thành"}, **error_responses(400, 401, 409, 422)})
@token_required
def finish_external_signature(session_id: str):
    body = request.get_json(silent=True)
    try:
        value = _base64((body or {}).get("signature"), "signature")
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
