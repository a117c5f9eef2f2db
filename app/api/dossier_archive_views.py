"""Hồ sơ in JSON, the changes: keep the Danh mục hồ sơ, close, legal hold, export, hand-over packages and
the retention decisions. Each route reads its input and calls the same service as the page; the rules
(who, which agency, which state) live in app.dossiers, never here.

A refusal the service names with a field is 422 with the field; one about the dossier's state as a whole
("__form__": already closed, already held, already decided) is 409. Another agency's dossier or proposal
is 404 before the body is read, whatever is sent.
"""
import io
import shutil
import tempfile
from pathlib import Path

from flask import current_app, g, jsonify, request, send_file
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.directory.roles import CLERK, LEADER
from app.directory.scoping import get_visible
from app.dossiers import closing, export, retention, services
from app.dossiers.handover import build_package
from app.dossiers.models import Dossier
from app.dossiers.package import PackageRefused
from app.dossiers.retention_models import DestructionProposal
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today

from .auth import reader_required, roles_required, token_required
from .blueprint import bp
from .dossier_archive_schemas import (
    ClosedOut,
    CopiedOut,
    CopyYearBody,
    DecisionBody,
    DossierFieldsBody,
    LegalHoldBody,
    NewDossierBody,
    PackageBody,
    ProposalOut,
    ProposalQuery,
)
from .dossier_schemas import DossierOut
from .dossier_views import _counts, dossier_json
from .errors import api_error_response
from .openapi import documented, field_errors
from .pagination import paged_json
from .schemas import page_of

keepers_required = roles_required(CLERK, LEADER)
ZIP = "application/zip"


def _not_found():
    return api_error_response(404, _("Không tìm thấy hồ sơ."))


def _refused(refused: services.DossierRefused):
    db.session.rollback()
    fields = dict(refused.fields)
    whole = fields.pop("__form__", None)
    if whole is not None and not fields:
        return api_error_response(409, whole)
    return api_error_response(422, whole or _("Dữ liệu chưa hợp lệ."), fields)


def _body_of(model: type[BaseModel]):
    """(body, None) or (None, the error answer): read after the object was found, like the pages."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return None, api_error_response(400, _("Nội dung phải là một đối tượng JSON."))
    try:
        return model.model_validate(data), None
    except ValidationError as error:
        return None, api_error_response(422, _("Dữ liệu chưa hợp lệ."), field_errors(error))


def _kept_dossier(dossier_id: int) -> Dossier | None:
    """The dossier when the caller keeps its agency's list (the pages' rule); None otherwise."""
    dossier = get_visible(Dossier, dossier_id, actor=g.api_user)
    return dossier if dossier is not None and services.keeps_list_of(dossier, g.api_user) else None


def _fields(body: BaseModel, *, sent_only: bool) -> dict:
    """The service's fields from a body, spaces tidied as the form does; `sent_only`: those the caller sent."""
    values = body.model_dump(exclude_unset=sent_only)
    text = {key: " ".join(values[key].split()) for key in ("notation", "title") if key in values}
    if "notation" in text:
        text["notation"] = text["notation"].upper()
    if "note" in values:
        text["note"] = values["note"].strip()
    return {**values, **text}


def _count(dossier: Dossier) -> int:
    return _counts([dossier.id]).get(dossier.id, 0)


def _body_schema(model: type[BaseModel]) -> dict:
    return {"required": True, "content": {"application/json": {"schema": model.model_json_schema()}}}


@bp.route("/api/v1/dossiers", methods=["POST"])
@token_required
@keepers_required
@documented("Thêm hồ sơ vào danh mục hồ sơ của cơ quan", body=NewDossierBody, response=DossierOut, status=201)
def create_dossier(body: NewDossierBody):
    fields = _fields(body, sent_only=False)
    year = fields.pop("year")
    try:
        dossier = services.create_dossier(actor=g.api_user, year=year, **fields)
    except services.DossierRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify(dossier_json(dossier, 0)), 201


@bp.route("/api/v1/dossiers/<int:dossier_id>", methods=["PATCH"])
@token_required
@keepers_required
@documented("Sửa hồ sơ đang lập (trường không gửi giữ nguyên); hồ sơ đã đóng: 409", response=DossierOut,
            errors=(409,), request_body=_body_schema(DossierFieldsBody))
def update_dossier(dossier_id: int):
    dossier = _kept_dossier(dossier_id)
    if dossier is None:
        return _not_found()
    body, error = _body_of(DossierFieldsBody)
    if error is not None:
        return error
    current = {key: getattr(dossier, key) for key in services.DOSSIER_FIELDS}
    try:
        services.update_dossier(dossier, actor=g.api_user, **{**current, **_fields(body, sent_only=True)})
    except services.DossierRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify(dossier_json(dossier, _count(dossier)))


@bp.route("/api/v1/dossiers/copy-previous-year", methods=["POST"])
@token_required
@keepers_required
@documented("Sao chép danh mục hồ sơ năm trước sang năm đã chọn (cả danh mục, hoặc không hồ sơ nào)",
            body=CopyYearBody, response=CopiedOut, status=201)
def copy_previous_year(body: CopyYearBody):
    try:
        copies = services.copy_previous_year(actor=g.api_user, year=body.year)
    except services.DossierRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify({"year": body.year, "dossier_ids": [copy.id for copy in copies]}), 201


@bp.route("/api/v1/dossiers/<int:dossier_id>/close", methods=["POST"])
@token_required
@keepers_required
@documented("Đóng hồ sơ (tạo bản PDF/A bên cạnh bản gốc); hồ sơ đã đóng: 409; máy chủ chưa chuyển được sang "
            "PDF/A (chưa cài Ghostscript): 503, hồ sơ vẫn đang lập", response=ClosedOut, errors=(409, 503))
def close_dossier(dossier_id: int):
    dossier = _kept_dossier(dossier_id)
    if dossier is None:
        return _not_found()
    try:
        result = closing.run_closing(dossier, actor=g.api_user, files_dir=current_app.config["FILES_DIR"])
    except closing.ConverterUnavailable as unavailable:
        db.session.rollback()
        return api_error_response(503, unavailable.fields["__form__"])
    except services.DossierRefused as refused:
        return _refused(refused)
    dossier = db.session.get(Dossier, dossier_id)
    return jsonify({"dossier": dossier_json(dossier, result.documents), "documents": result.documents,
                    "converted": result.converted,
                    "failures": [{"name": name, "reason": reason} for name, reason in result.failures]})


@bp.route("/api/v1/dossiers/<int:dossier_id>/legal-hold", methods=["POST"])
@token_required
@keepers_required
@documented("Đặt hoặc bỏ giữ hồ sơ theo yêu cầu pháp lý, kèm lý do", response=DossierOut, errors=(409,),
            request_body=_body_schema(LegalHoldBody))
def legal_hold(dossier_id: int):
    dossier = _kept_dossier(dossier_id)
    if dossier is None:
        return _not_found()
    body, error = _body_of(LegalHoldBody)
    if error is not None:
        return error
    try:
        closing.set_legal_hold(dossier, actor=g.api_user, hold=body.on, reason=body.reason)
    except services.DossierRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify(dossier_json(dossier, _count(dossier)))


@bp.route("/api/v1/dossiers/<int:dossier_id>/export")
@token_required
@reader_required
@documented("Xuất hồ sơ: tệp ZIP gồm PDF và XML theo thứ tự thời gian (Phụ lục VI); hồ sơ có văn bản mật "
            "người gọi không được đọc: 403", response=ZIP)
def export_dossier(dossier_id: int):
    dossier = get_visible(Dossier, dossier_id, actor=g.api_user)
    if dossier is None:
        return _not_found()
    try:
        exported = export.export_dossier(dossier, actor=g.api_user, files_dir=current_app.config["FILES_DIR"])
    except services.DossierRefused as refused:
        db.session.rollback()
        return api_error_response(403, next(iter(refused.fields.values())))
    db.session.commit()
    return send_file(io.BytesIO(exported.data), mimetype=ZIP, as_attachment=True, download_name=exported.filename)


@bp.route("/api/v1/dossiers/packages", methods=["POST"])
@token_required
@keepers_required
@documented("Lập gói nộp lưu (METS, PREMIS, Mục lục hồ sơ nộp lưu và Biên bản giao nhận đã ký) từ hồ sơ đã "
            "đóng của cơ quan; trả về tệp ZIP", body=PackageBody, response=ZIP)
def build_dossier_package(body: PackageBody):
    actor = g.api_user
    if (body.dossier_ids is None) == (body.codes is None):
        message = _("Gửi danh sách dossier_ids hoặc danh sách codes (một trong hai).")
        return api_error_response(422, message, {"dossier_ids": message})
    codes = body.codes
    if body.dossier_ids is not None:
        found = {dossier.id: dossier for dossier in db.session.scalars(select(Dossier).where(
            Dossier.id.in_(body.dossier_ids), Dossier.agency_id == actor.agency_id))}
        missing = [item for item in body.dossier_ids if item not in found]
        if missing:
            message = _("Không tìm thấy hồ sơ: %(ids)s.", ids=", ".join(map(str, missing[:10])))
            return api_error_response(422, message, {"dossier_ids": message})
        codes = [found[item].code for item in body.dossier_ids]
    workdir = Path(tempfile.mkdtemp(prefix="goi-nop-luu-"))
    out = workdir / "goi.zip"
    try:
        built = build_package(actor.agency.code, codes, out, actor=actor, config=current_app.config, now=utcnow(),
                              receiver=body.receiver)
        db.session.commit()
    except PackageRefused as refused:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        return api_error_response(422, str(refused), {"dossier_ids" if body.dossier_ids else "codes": str(refused)})
    except BaseException:
        db.session.rollback()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    response = send_file(out, mimetype=ZIP, as_attachment=True, download_name=f"{built.package_id}.zip")
    response.call_on_close(lambda: shutil.rmtree(workdir, ignore_errors=True))
    return response


def _proposal_json(proposal: DestructionProposal) -> dict:
    dossier = proposal.dossier
    return {"id": proposal.id, "dossier_id": dossier.id, "dossier_code": dossier.code, "dossier_title": dossier.title,
            "state": proposal.state, "retention_ended_on": proposal.retention_ended_on.isoformat(),
            "proposed_at": proposal.proposed_at.isoformat(),
            "decided_at": proposal.decided_at.isoformat() if proposal.decided_at else None,
            "decided_by": proposal.decided_by.full_name if proposal.decided_by else None,
            "reason": proposal.reason or "", "keep_until_year": proposal.keep_until_year,
            "legal_hold": dossier.legal_hold}


@bp.route("/api/v1/retention/proposals")
@token_required
@keepers_required
@documented("Hồ sơ hết thời hạn bảo quản của cơ quan, đề nghị xét hủy (không gì bị xóa tự động)",
            query=ProposalQuery, response=page_of(ProposalOut))
def list_proposals(query: ProposalQuery):
    statement = retention.proposals_of(g.api_user, state=query.state or None).options(
        selectinload(DestructionProposal.dossier).selectinload(Dossier.agency),
        selectinload(DestructionProposal.decided_by))
    return paged_json(statement, _proposal_json, query)


@bp.route("/api/v1/retention/proposals/<int:proposal_id>/decision", methods=["POST"])
@token_required
@roles_required(LEADER)
@documented("Lãnh đạo quyết định: giữ lại thêm (lý do, năm xem xét lại) hoặc đưa ra xét hủy", response=ProposalOut,
            errors=(409,), request_body=_body_schema(DecisionBody))
def decide_proposal(proposal_id: int):
    actor = g.api_user
    proposal = db.session.get(DestructionProposal, proposal_id)
    if proposal is None or proposal.agency_id != actor.agency_id:
        return api_error_response(404, _("Không tìm thấy đề nghị."))
    body, error = _body_of(DecisionBody)
    if error is not None:
        return error
    try:
        retention.decide(proposal, actor=actor, decision=body.decision, reason=body.reason,
                         keep_until_year=body.keep_until_year, today=vietnam_today())
    except services.DossierRefused as refused:
        return _refused(refused)
    db.session.commit()
    return jsonify(_proposal_json(proposal))
