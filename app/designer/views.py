"""Designers' pages: the process list, the BPMN editor (bpmn-js modeler), forms, versions, publishing.

Thin: every change goes through app.designer.drafts / publishing with the signed-in designer as actor.
"""
import json

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN, DESIGNER, ROLE_LABELS
from app.extensions import db
from app.workflow.deployment import latest_version
from app.workflow.diagram_layout import diagram_of
from app.workflow.instructions import render_instructions
from app.workflow.models import ProcessInstance, ProcessVersion
from app.workflow.registry import catalogue
from app.workflow.task_pages import picker_choices

from . import drafts, publishing, test_runs
from .drafts import DesignError

bp = Blueprint("designer", __name__, url_prefix="/thiet-ke")
LANE_ROLES = ("clerk", "leader", "unit_head", "specialist", "format_checker")


def _running_by_version() -> dict[int, int]:
    rows = db.session.execute(select(ProcessInstance.process_version_id, func.count()).where(
        ProcessInstance.status == "running").group_by(ProcessInstance.process_version_id))
    return dict(rows.all())


def _versions(process_id: str) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
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


def _draft_xml(process_id: str) -> tuple[str, int]:
    """The diagram the editor opens, and the lock version to save against (0: no draft yet)."""
    draft = drafts.draft_of(process_id)
    if draft is not None:
        return draft.bpmn_xml, draft.lock_version
    version = latest_version(process_id)
    return diagram_of(version.bpmn_xml).decode("utf-8"), 0


def _known_forms(process_id: str) -> list[str]:
    names = set()
    for version in _versions(process_id)[:1]:
        names.update(version.forms)
    draft = drafts.draft_of(process_id)
    if draft is not None:
        names.update(draft.forms or {})
    return sorted(n for n in names if n.endswith(".schema.json"))


@bp.route("/<process_id>")
@role_required(DESIGNER, ADMIN)
def editor(process_id: str):
    definition = _definition_or_404(process_id)
    _xml, lock_version = _draft_xml(process_id)
    draft = drafts.draft_of(process_id)
    with force_locale("vi"):  # lane names are the roles' Vietnamese names, whatever the page language
        lanes = [str(ROLE_LABELS[r]) for r in LANE_ROLES]
    settings = {"lanes": lanes, "operators": sorted(catalogue().operators), "forms": _known_forms(process_id),
                "lockVersion": lock_version, "problems": draft.problems if draft else [],
                "formEditorUrl": url_for("designer.form_editor", process_id=process_id)}
    return render_template("designer/editor.html", definition=definition, draft=draft, settings=settings,
                           current=latest_version(process_id))


@bp.route("/<process_id>/ban-nhap.bpmn")
@role_required(DESIGNER, ADMIN)
def draft_xml(process_id: str):
    _definition_or_404(process_id)
    xml, _lock = _draft_xml(process_id)
    response = Response(xml, mimetype="application/xml")
    if request.args.get("tai") == "1":
        response.headers["Content-Disposition"] = f"attachment; filename={catalogue().processes[process_id].bpmn_file}"
    return response


@bp.route("/<process_id>/ban-nhap", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def save_draft(process_id: str):
    _definition_or_404(process_id)
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
    _definition_or_404(process_id)
    upload = request.files.get("bpmn")
    if upload is None or not upload.filename:
        flash(_("Chọn một tệp .bpmn để tải lên."), "error")
        return redirect(url_for("designer.editor", process_id=process_id))
    raw = upload.stream.read(drafts.MAX_BPMN_BYTES + 1)
    try:
        text = raw.decode("utf-8")
        draft = drafts.save_diagram(process_id, text, actor=signed_in_user(), lock_version=None)
    except UnicodeDecodeError:
        flash(_("Tệp không phải văn bản UTF-8."), "error")
        return redirect(url_for("designer.editor", process_id=process_id))
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
    _definition_or_404(process_id)
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
    _definition_or_404(process_id)
    drafts.discard_draft(process_id, actor=signed_in_user())
    db.session.commit()
    flash(_("Đã bỏ bản nháp."), "success")
    return redirect(url_for("designer.process_list"))


@bp.route("/<process_id>/phien-ban")
@role_required(DESIGNER, ADMIN)
def versions(process_id: str):
    definition = _definition_or_404(process_id)
    versions = _versions(process_id)
    running = _running_by_version()
    by_number = {v.number: v for v in versions}
    compare = None
    old, new = request.args.get("cu", type=int), request.args.get("moi", type=int)
    if old in by_number and new in by_number:
        compare = (by_number[old], by_number[new], publishing.diff_versions(by_number[old], by_number[new]))
    return render_template("designer/versions.html", definition=definition, versions=versions, running=running,
                           compare=compare)


@bp.route("/<process_id>/phien-ban/<int:number>/khoi-phuc", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def restore(process_id: str, number: int):
    _definition_or_404(process_id)
    try:
        version = publishing.restore(process_id, number, actor=signed_in_user(), note=request.form.get("note", ""))
    except DesignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("designer.versions", process_id=process_id))
    db.session.commit()
    flash(_("Đã khôi phục nội dung phiên bản %(old)s thành phiên bản %(n)s.", old=number, n=version.number), "success")
    return redirect(url_for("designer.versions", process_id=process_id))


@bp.route("/<process_id>/bieu-mau", methods=["GET", "POST"])
@role_required(DESIGNER, ADMIN)
def form_editor(process_id: str):
    definition = _definition_or_404(process_id)
    name = (request.values.get("ten") or "").strip()
    draft = drafts.draft_of(process_id)
    lock_version = draft.lock_version if draft else 0
    error, preview = None, None
    if request.method == "POST":
        schema_text, ui_text = request.form.get("schema", ""), request.form.get("ui", "")
        try:
            if request.form.get("action") == "save":
                draft = drafts.save_form(process_id, name, schema_text, ui_text, actor=signed_in_user(),
                                         lock_version=request.form.get("lock_version", type=int))
                db.session.commit()
                flash(_("Đã lưu biểu mẫu %(name)s vào bản nháp.", name=name), "success")
                return redirect(url_for("designer.form_editor", process_id=process_id, ten=name))
            preview = drafts.preview_form(name, schema_text, ui_text)
        except DesignError as refused:
            db.session.rollback()
            error = str(refused)
    elif name:
        schema_text, ui_text = drafts.form_texts(drafts.forms_in_use(process_id), name)
        try:
            preview = drafts.preview_form(name, schema_text, ui_text)
        except DesignError as refused:
            error = str(refused)
    else:
        schema_text, ui_text = "", ""
    return render_template("designer/form.html", definition=definition, name=name, schema_text=schema_text,
                           ui_text=ui_text, fields=_preview_fields(preview), error=error, lock_version=lock_version,
                           forms=_known_forms(process_id))


@bp.route("/<process_id>/bieu-mau/xem-truoc", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def form_preview(process_id: str):
    """The live preview's fragment: the form rendered from the texts as typed, or why it cannot be."""
    _definition_or_404(process_id)
    try:
        preview = drafts.preview_form((request.form.get("ten") or "").strip(), request.form.get("schema", ""),
                                      request.form.get("ui", ""))
    except DesignError as refused:
        return render_template("designer/_form_preview.html", error=str(refused), fields=[])
    return render_template("designer/_form_preview.html", error=None, fields=_preview_fields(preview))


def _preview_fields(form) -> list:
    return form.fields({}, {}, picker_choices(form, signed_in_user())) if form is not None else []


def _definition_or_404(process_id: str):
    definition = catalogue().processes.get(process_id)
    if definition is None or latest_version(process_id) is None:
        abort(404)
    return definition


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/<process_id>/chay-thu", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def start_test_run(process_id: str):
    _definition_or_404(process_id)
    try:
        run = test_runs.start_test_run(process_id, actor=signed_in_user(), start_data=request.form.get("data", ""))
    except DesignError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("designer.test_run_page", process_id=process_id))
    db.session.commit()
    return redirect(url_for("designer.test_run", run_id=run.id))


@bp.route("/<process_id>/chay-thu")
@role_required(DESIGNER, ADMIN)
def test_run_page(process_id: str):
    """Start a test run: the sample start data, and the designer's earlier runs."""
    definition = _definition_or_404(process_id)
    return render_template("designer/test_run_start.html", definition=definition,
                           start_data=json.dumps(definition.sample_start, ensure_ascii=False, indent=2),
                           runs=test_runs.runs_of(process_id, signed_in_user()),
                           has_draft=drafts.draft_of(process_id) is not None)


@bp.route("/chay-thu/<int:run_id>", methods=["GET", "POST"])
@role_required(DESIGNER, ADMIN)
def test_run(run_id: int):
    actor = signed_in_user()
    run = test_runs.open_test_run(run_id, actor=actor)
    if run is None:
        abort(404)
    refused = None
    if request.method == "POST":
        try:
            if request.form.get("timer"):
                test_runs.fire_test_timer(run, request.form["timer"])
            else:
                task = next((t for t in run.ready if t["id"] == request.form.get("task_id")), None)
                form = test_runs.task_form(run, task) if task else None
                test_runs.complete_test_step(run, request.form.get("task_id", ""), request.form,
                                             picker_choices(form, actor))
            db.session.commit()
            return redirect(url_for("designer.test_run", run_id=run.id))
        except test_runs.StepRefused as error:
            db.session.rollback()
            refused = (request.form.get("task_id"), error.errors, error.values)
        except DesignError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("designer.test_run", run_id=run.id))
    tasks = []
    for task in run.ready:
        form = test_runs.task_form(run, task)
        values, errors = task["data"], {}
        if refused and refused[0] == task["id"]:
            errors, values = refused[1], {**task["data"], **refused[2]}
        fields = form.fields(values, errors, picker_choices(form, actor)) if form else []
        tasks.append({**task, "fields": fields, "instructions_html": render_instructions(task["instructions"],
                                                                                          task["data"])})
    return render_template("designer/test_run.html", run=run, definition=_definition_or_404(run.process_id),
                           tasks=tasks, snapshots=run.steps)


@bp.route("/chay-thu/<int:run_id>/so-do.bpmn")
@role_required(DESIGNER, ADMIN)
def test_run_diagram(run_id: int):
    run = test_runs.open_test_run(run_id, actor=signed_in_user())
    if run is None:
        abort(404)
    return Response(run.bpmn_xml, mimetype="application/xml")
