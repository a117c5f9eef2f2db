"""Hồ sơ in JSON: the agency's Danh mục hồ sơ, a dossier with its Mục lục văn bản, and filing a document,
through the same scoping, access rule and filing service as the pages."""
from flask import g, jsonify, request
from flask_babel import gettext as _
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.directory.roles import CLERK, LEADER, SPECIALIST
from app.directory.scoping import get_visible, scoped
from app.documents.access import open_document
from app.dossiers import filing
from app.dossiers.models import Dossier, DossierDocument
from app.dossiers.services import DossierRefused
from app.extensions import db

from .auth import reader_required, roles_required, token_required
from .blueprint import bp
from .dossier_schemas import DossierFiled, DossierFull, DossierOut, DossierQuery, FileIntoDossierBody
from .errors import api_error_response
from .openapi import documented, field_errors
from .pagination import paged_json
from .schemas import page_of


def _ref(row, name: str) -> dict | None:
    return {"id": row.id, "name": getattr(row, name)} if row is not None else None


def dossier_json(dossier: Dossier, document_count: int) -> dict:
    return {"id": dossier.id, "code": dossier.code, "year": dossier.year, "notation": dossier.notation,
            "title": dossier.title, "department": _ref(dossier.department, "name"),
            "responsible": _ref(dossier.responsible, "full_name"),
            "retention": {"name": dossier.retention.name, "years": dossier.retention.years},
            "access": dossier.access, "status": dossier.status, "legal_hold": dossier.legal_hold,
            "closed_at": dossier.closed_at.isoformat() if dossier.closed_at else None,
            "handed_over_at": dossier.handed_over_at.isoformat() if dossier.handed_over_at else None,
            "document_count": document_count}


def _counts(dossier_ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(select(DossierDocument.dossier_id, func.count()).where(
        DossierDocument.dossier_id.in_(dossier_ids)).group_by(DossierDocument.dossier_id)).tuples().all())


def _page_json(dossiers: list[Dossier]) -> list[dict]:
    counts = _counts([d.id for d in dossiers])
    return [dossier_json(d, counts.get(d.id, 0)) for d in dossiers]


@bp.route("/api/v1/dossiers")
@token_required
@reader_required
@documented("Danh mục hồ sơ của cơ quan (lọc theo năm, trạng thái)", query=DossierQuery,
            response=page_of(DossierOut))
def list_dossiers(query: DossierQuery):
    statement = scoped(select(Dossier), g.api_user)
    if query.year is not None:
        statement = statement.where(Dossier.year == query.year)
    if query.status:
        statement = statement.where(Dossier.status == query.status)
    statement = statement.options(selectinload(Dossier.agency), selectinload(Dossier.department),
                                  selectinload(Dossier.responsible), selectinload(Dossier.retention)).order_by(
        Dossier.year.desc(), Dossier.notation, Dossier.id)
    return paged_json(statement, _page_json, query, whole_page=True)


@bp.route("/api/v1/dossiers/<int:dossier_id>")
@token_required
@reader_required
@documented("Một hồ sơ với Mục lục văn bản (văn bản mật không đọc được: không có trích yếu)", response=DossierFull)
def get_dossier(dossier_id: int):
    dossier = get_visible(Dossier, dossier_id, actor=g.api_user)
    if dossier is None:
        return api_error_response(404, _("Không tìm thấy hồ sơ."))
    rows = filing.contents(dossier, g.api_user)
    contents = [{"position": r.position, "document_id": r.document_id, "hidden": r.hidden, "symbol": r.symbol,
                 "document_date": r.document_date.isoformat(), "subject": r.subject, "author": r.author,
                 "page_count": r.page_count, "secrecy": r.secrecy} for r in rows]
    return jsonify({**dossier_json(dossier, len(rows)), "contents": contents})


@bp.route("/api/v1/dossiers/<int:dossier_id>/documents", methods=["POST"])
@token_required
@roles_required(CLERK, LEADER, SPECIALIST)
@documented("Lưu một văn bản đã xử lý xong vào hồ sơ (không sao chép tệp; số thứ tự tự động)", response=DossierFiled,
            status=201, request_body={"required": True, "content": {"application/json": {
                "schema": FileIntoDossierBody.model_json_schema()}}})
def file_into_dossier(dossier_id: int):
    actor = g.api_user
    # The dossier first, then the body: another agency's dossier is not found whatever is sent.
    dossier = get_visible(Dossier, dossier_id, actor=actor)
    if dossier is None or dossier.agency_id != actor.agency_id:
        return api_error_response(404, _("Không tìm thấy hồ sơ."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
    try:
        body = FileIntoDossierBody.model_validate(data)
    except ValidationError as error:
        return api_error_response(422, _("Dữ liệu chưa hợp lệ."), field_errors(error))
    document = open_document(body.document_id, actor)
    if document is None:
        return api_error_response(422, _("Dữ liệu chưa hợp lệ."), {"document_id": _("Không tìm thấy văn bản.")})
    if not filing.may_file(document, actor):
        db.session.rollback()
        return api_error_response(403, _("Bạn không có quyền lưu văn bản này vào hồ sơ."))
    try:
        [link] = filing.file_document(document, [dossier.id], actor=actor)
    except DossierRefused as refused:
        db.session.rollback()
        message = refused.fields.get("__form__") or refused.fields.get(filing.FIELD) or _("Dữ liệu chưa hợp lệ.")
        return api_error_response(422, message, {"document_id": message})
    db.session.commit()
    return jsonify({"dossier_id": dossier.id, "document_id": document.id, "position": link.position}), 201
