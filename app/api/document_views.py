"""Incoming-document endpoints: the same entry service, access rules and search as the pages."""
from pathlib import Path

from flask import current_app, g, jsonify, request, send_file
from flask_babel import gettext as _

from app.directory.roles import CLERK
from app.documents.access import open_document
from app.documents.entry import DuplicateSuspected, enter_incoming
from app.documents.holders import holders_by_instance
from app.documents.metadata import DocumentRefused
from app.documents.models import Document
from app.documents.search import IncomingFilters, incoming_query
from app.documents.verification import file_is_active
from app.documents.vocabulary import STATUS_LABELS
from app.extensions import db
from app.filestore import path_for
from app.strict_json import loads_strict
from app.web.request_checks import refuse_nul

from .auth import reader_required, roles_required, token_required
from .blueprint import bp
from .errors import api_error_response
from .openapi import documented
from .pagination import paged_json
from .schemas import DocumentFull, DocumentOut, DocumentQuery, IncomingReceived, page_of
from .task_views import active_tasks_json


def document_json(document: Document, *, full: bool = False) -> dict:
    data = {
        "id": document.id, "direction": document.direction, "doc_type": document.doc_type,
        "number": document.number, "notation": document.notation, "symbol": document.symbol,
        "issuer": {"code": document.issuer_code or None, "name": document.issuer_name},
        "document_date": document.document_date.isoformat(), "subject": document.subject,
        "urgency": document.urgency, "secrecy": document.secrecy,
        "received_at": document.received_at.isoformat(),
        "arrival_number": document.arrival_number, "arrival_year": document.arrival_year,
        "book": document.book.code if document.book else None,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "status": {"code": document.status_code, "label": str(STATUS_LABELS.get(document.status_code, ""))},
    }
    if full:
        data.update(
            page_count=document.page_count, signer_name=document.signer_name,
            signatures=document.signature_verdicts, refusal_reason=document.refusal_reason,
            files=[{"id": f.id, "role": f.role, "name": f.name, "size": f.size, "sha256": f.sha256,
                    "active_content": file_is_active(f)} for f in document.files],
            status_trail=[{"code": s.code, "at": s.at.isoformat(), "note": s.note,
                           "actor": s.actor.username if s.actor else None} for s in document.statuses],
            current_holders=holders_by_instance([document.instance_id]).get(document.instance_id, []),
            instance_id=document.instance_id)
    return data


@bp.route("/api/v1/documents/incoming", methods=["POST"])
@token_required
@roles_required(CLERK)  # refused before the upload is read
@documented("Văn thư vào sổ văn bản đến (giấy/bản quét): metadata JSON + tệp PDF", response=IncomingReceived,
            status=201, errors=(409,), request_body={"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["metadata", "file"],
                "properties": {"metadata": {"type": "string", "description": "JSON: doc_type, number, notation, "
                                            "issuer_code, issuer_name, document_date, subject, urgency, secrecy, "
                                            "page_count, signer_name, due_date, confirm_duplicate"},
                               "file": {"type": "string", "format": "binary"},
                               "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}})
def post_incoming():
    try:
        values = loads_strict(request.form.get("metadata") or "")
    except ValueError:
        values = None
    if not isinstance(values, dict):
        return api_error_response(400, _("Trường metadata phải là một đối tượng JSON."))
    refuse_nul(values)
    try:
        received = enter_incoming(g.api_user, values, request.files.get("file"), request.files.getlist("attachments"),
                                  confirm_duplicate=values.get("confirm_duplicate") is True)
    except DocumentRefused as refused:
        db.session.rollback()
        status = 403 if "__form__" in refused.fields else 422
        return api_error_response(status, refused.fields.get("__form__") or _("Dữ liệu chưa hợp lệ."),
                                  {k: v for k, v in refused.fields.items() if k != "__form__"})
    except DuplicateSuspected as suspected:
        ids = ", ".join(str(d.id) for d in suspected.duplicates)  # before the rollback expires them
        db.session.rollback()
        return api_error_response(409, _("Có thể trùng văn bản đã tiếp nhận (văn bản %(ids)s); gửi lại với "
                                         "confirm_duplicate=true nếu đúng là văn bản khác.", ids=ids))
    # The answer is read before the commit expires the rows this request just wrote: all of it is in the
    # session still (only the current holders are asked for), and reading it back would take 4 statements.
    answer = document_json(received.document, full=True)
    answer["active_tasks"] = active_tasks_json(received.document.instance_id)
    db.session.commit()
    return jsonify(answer), 201


@bp.route("/api/v1/documents/<int:document_id>")
@token_required
@documented("Một văn bản: metadata, trạng thái, số đến, quá trình trạng thái, người đang xử lý",
            response=DocumentFull)
def get_document(document_id: int):
    document = open_document(document_id, g.api_user)
    if document is None:
        return api_error_response(404, _("Không tìm thấy văn bản."))
    db.session.commit()  # keeps the audit event of a secret document's opening
    return jsonify(document_json(document, full=True))


@bp.route("/api/v1/documents")
@token_required
@reader_required
@documented("Tra cứu văn bản đến (không phân biệt dấu)", query=DocumentQuery, response=page_of(DocumentOut))
def search_documents(query: DocumentQuery):
    return paged_json(incoming_query(g.api_user, IncomingFilters.from_args(request.args)), document_json, query)


@bp.route("/api/v1/documents/<int:document_id>/file")
@token_required
@documented("Tệp PDF chính của văn bản", response="application/pdf")
def document_file(document_id: int):
    document = open_document(document_id, g.api_user)
    main = document.main_file if document else None
    if main is None:
        return api_error_response(404, _("Không tìm thấy văn bản."))
    db.session.commit()
    return send_file(path_for(Path(current_app.config["FILES_DIR"]), main.sha256), mimetype=main.content_type,
                     download_name=main.name, as_attachment=file_is_active(main))
