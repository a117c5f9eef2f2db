"""Designers' pages: the process list, the BPMN editor (bpmn-js modeler), forms, versions, publishing.

Thin: every change goes through app.designer.drafts / publishing with the signed-in designer as actor.
"""

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import defer, selectinload

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN, DESIGNER, ROLE_LABELS, TASK_ROLES
from app.documents.vocabulary import STATUS_LABELS
from app.extensions import db
from app.web.routing import bounded_int
from app.workflow.deployment import latest_version
from app.workflow.diagram_layout import diagram_of
from app.workflow.js_lint import lint_options
from app.workflow.models import ProcessInstance, ProcessVersion
from app.workflow.registry import catalogue

from . import drafts, publishing
from .access import definition_or_404
from .drafts import DesignError

bp = Blueprint("designer", __name__, url_prefix="/thiet-ke")


def _running_by_version() -> dict[int, int]:
    rows = db.session.execute(select(ProcessInstance.process_version_id, func.count()).where(
        ProcessInstance.status == "running").group_by(ProcessInstance.process_version_id))
    return dict(rows.all())


def _versions(process_id: str) -> list[ProcessVersion]:
    """The process's versions, newest first, without their files (read only for the two compared)."""
    return list(db.session.scalars(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id)
        .options(defer(ProcessVersion.bpmn_xml), defer(ProcessVersion.spec_json), defer(ProcessVersion.forms),
                 selectinload(ProcessVersion.created_by))
        .order_by(ProcessVersion.number.desc())))


@bp.route("")
@role_required(DESIGNER, ADMIN)
def process_list():
    running = _running_by_version()
    rows = []
    for definition in catalogue().processes.values():
        versions = _versions(definition.process_id)
        rows.append({"definition": definition, "current": versions[0] if versions else None,
                     "draft": drafts.draft_of(definition.process_id),
                     "running": [(v.number, running[v.id]) for v in versions if running.get(v.id)]})
    return render_template("designer/processes.html", rows=rows)


def known_forms(process_id: str) -> list[str]:
    """The form files the draft (or the version in use) has, for the editor's pickers."""
    return sorted(n for n in drafts.forms_in_use(process_id).texts if n.endswith(".schema.json"))


@bp.route("/<process_id>")
@role_required(DESIGNER, ADMIN)
def editor(process_id: str):
    definition = definition_or_404(process_id)
    draft = drafts.draft_of(process_id)
    with force_locale("vi"):  # lane names are the roles' Vietnamese names, whatever the page language
        lanes = [str(ROLE_LABELS[r]) for r in TASK_ROLES]
    settings = {"lanes": lanes, "operators": sorted(catalogue().operators), "forms": known_forms(process_id),
                "lockVersion": draft.lock_version if draft else 0, "problems": draft.problems if draft else [],
                "formEditorUrl": url_for("designer_forms.form_editor", process_id=process_id),
                "lint": lint_options(catalogue().operators)}
    milestones = [(code, STATUS_LABELS.get(code, code)) for code in definition.status_milestones]
    return render_template("designer/editor.html", definition=definition, draft=draft, settings=settings,
                           current=latest_version(process_id), milestones=milestones)


@bp.route("/<process_id>/ban-nhap.bpmn")
@role_required(DESIGNER, ADMIN)
def draft_xml(process_id: str):
    definition_or_404(process_id)
    draft = drafts.draft_of(process_id)
    xml = draft.bpmn_xml if draft is not None else diagram_of(latest_version(process_id).bpmn_xml)
    response = Response(xml, mimetype="application/xml")
    if request.args.get("tai") == "1":
        response.headers["Content-Disposition"] = f"attachment; filename={catalogue().processes[process_id].bpmn_file}"
    return response


@bp.route("/<process_id>/ban-nhap", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def save_draft(process_id: str):
    definition_or_404(process_id)
    payload = request.get_json(silent=True) or {}
    try:
        draft = drafts.save_diagram(process_id, str(payload.get("xml") or ""), actor=signed_in_user(),
                                    lock_version=_int_or_none(payload.get("lockVersion")))
    except DesignError as error:
        db.session.rollback()
        return jsonify({"error": str(error)}), error.status
    db.session.commit()
    return jsonify({"lockVersion": draft.lock_version, "problems": draft.problems})


@bp.route("/<process_id>/tai-len", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def upload(process_id: str):
    definition_or_404(process_id)
    upload = request.files.get("bpmn")
    if upload is None or not upload.filename:
        flash(_("Chọn một tệp .bpmn để tải lên."), "error")
        return redirect(url_for("designer.editor", process_id=process_id))
    try:
        draft = drafts.save_diagram(process_id, upload.stream.read(drafts.MAX_BPMN_BYTES + 1), actor=signed_in_user(),
                                    lock_version=None)
    except DesignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("designer.editor", process_id=process_id))
    db.session.commit()
    flash(_("Đã tải lên và lưu vào bản nháp (%(n)s lỗi cần sửa).", n=len(draft.problems)) if draft.problems
          else _("Đã tải lên và lưu vào bản nháp; bản nháp hợp lệ."), "error" if draft.problems else "success")
    return redirect(url_for("designer.editor", process_id=process_id))


@bp.route("/<process_id>/xuat-ban", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def publish(process_id: str):
    definition_or_404(process_id)
    try:
        version = publishing.publish(process_id, actor=signed_in_user(), note=request.form.get("note", ""))
    except DesignError as error:
        db.session.commit()  # the failed check is audited and the problems kept for the editor
        flash(str(error), "error")
        return redirect(url_for("designer.editor", process_id=process_id))
    db.session.commit()
    flash(_("Đã xuất bản phiên bản %(n)s: hồ sơ mới dùng phiên bản này, hồ sơ đang chạy giữ phiên bản cũ.",
            n=version.number), "success")
    return redirect(url_for("designer.versions", process_id=process_id))


@bp.route("/<process_id>/bo-ban-nhap", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def discard(process_id: str):
    definition_or_404(process_id)
    drafts.discard_draft(process_id, actor=signed_in_user())
    db.session.commit()
    flash(_("Đã bỏ bản nháp."), "success")
    return redirect(url_for("designer.process_list"))


@bp.route("/<process_id>/phien-ban")
@role_required(DESIGNER, ADMIN)
def versions(process_id: str):
    definition = definition_or_404(process_id)
    versions = _versions(process_id)
    running = _running_by_version()
    by_number = {v.number: v for v in versions}
    compare = None
    old, new = request.args.get("cu", type=bounded_int), request.args.get("moi", type=bounded_int)
    if old in by_number and new in by_number:
        compare = (by_number[old], by_number[new], publishing.diff_versions(by_number[old], by_number[new]))
    return render_template("designer/versions.html", definition=definition, versions=versions, running=running,
                           compare=compare)


@bp.route("/<process_id>/phien-ban/<int:number>.bpmn")
@role_required(DESIGNER, ADMIN)
def version_xml(process_id: str, number: int):
    """One published version's diagram (laid out when it has no layout), for the visual comparison."""
    definition_or_404(process_id)
    version = db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                              ProcessVersion.number == number)).first()
    if version is None:
        abort(404)
    return Response(diagram_of(version.bpmn_xml), mimetype="application/xml")


@bp.route("/<process_id>/phien-ban/<int:number>/khoi-phuc", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def restore(process_id: str, number: int):
    definition_or_404(process_id)
    try:
        version = publishing.restore(process_id, number, actor=signed_in_user(), note=request.form.get("note", ""))
    except DesignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("designer.versions", process_id=process_id))
    db.session.commit()
    flash(_("Đã khôi phục nội dung phiên bản %(old)s thành phiên bản %(n)s.", old=number, n=version.number), "success")
    return redirect(url_for("designer.versions", process_id=process_id))


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
