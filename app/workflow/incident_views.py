"""Sự cố (incidents) for administrators: the list, one incident with its diagram and data, and the four
repairs (retry, edit data then retry, skip the step, cancel the case)."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN
from app.extensions import db

from .blueprint import PAGE_SIZE, bp
from .diagram_layout import diagram_of
from .errors import WorkflowError
from .failures import INCIDENT_KINDS_LABELS
from .incident_pages import (
    RESOLUTION_LABELS,
    STATUS_LABELS,
    filter_choices,
    incident_page,
    list_titles,
    parse_filters,
)
from .incidents import (
    cancel_incident_case,
    edit_data_and_retry,
    incidents_query,
    retry_incident,
    skip_step,
    visible_incident,
)
from .registry import process_titles


@bp.route("/quan-tri/su-co")
@role_required(ADMIN)
def incidents():
    filters = parse_filters(request.args, current_user)
    page = db.paginate(incidents_query(current_user, filters), per_page=PAGE_SIZE, error_out=False)
    return render_template("workflow/incidents.html", page=page, filters=filters,
                           titles=list_titles(current_user, page.items), choices=filter_choices(current_user),
                           kinds=INCIDENT_KINDS_LABELS, statuses=STATUS_LABELS, process_titles=process_titles())


def _incident_or_404(incident_id: int):
    try:
        return visible_incident(incident_id, actor=signed_in_user())
    except WorkflowError as refused:
        abort(refused.status)


@bp.route("/quan-tri/su-co/<int:incident_id>")
@role_required(ADMIN)
def incident(incident_id: int):
    shown = incident_page(_incident_or_404(incident_id), current_user)
    return render_template("workflow/incident.html", page=shown, kinds=INCIDENT_KINDS_LABELS,
                           statuses=STATUS_LABELS, resolutions=RESOLUTION_LABELS, process_titles=process_titles())


@bp.route("/quan-tri/su-co/<int:incident_id>/so-do.bpmn")
@role_required(ADMIN)
def incident_diagram(incident_id: int):
    return Response(diagram_of(_incident_or_404(incident_id).instance.version.bpmn_xml), mimetype="application/xml")


def _seen_version() -> int | None:
    value = request.form.get("lock_version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None  # "²" is a digit too


def _act(incident_id: int, action, done: str, again: str | None = None):
    """Run one repair at the request boundary: commit it, or roll back and say why (the loser of two
    clicks is sent back to the incident with the winner's name; another agency's incident is not found)."""
    _incident_or_404(incident_id)
    try:
        went_on = action(signed_in_user())
    except WorkflowError as refused:
        db.session.rollback()
        if refused.status == 404:
            abort(404)
        flash(refused.message, "warning" if refused.status == 409 else "danger")
        return redirect(url_for("tasks.incident", incident_id=incident_id))
    except SQLAlchemyError:
        # The step wrote something the database refused (run_steps raises it, no incident of its own):
        # nothing is kept, the incident stays, and the operator is told rather than shown a 500.
        db.session.rollback()
        current_app.logger.warning("Repair of incident %s refused by the database", incident_id, exc_info=True)
        flash(_("Không ghi được vào cơ sở dữ liệu khi chạy lại bước (dữ liệu có giá trị cơ sở dữ liệu không nhận); "
                "không có gì thay đổi, sự cố vẫn còn."), "danger")
        return redirect(url_for("tasks.incident", incident_id=incident_id))
    db.session.commit()
    flash(again if went_on is False and again else done, "warning" if went_on is False and again else "success")
    return redirect(url_for("tasks.incident", incident_id=incident_id))


@bp.route("/quan-tri/su-co/<int:incident_id>/chay-lai", methods=["POST"])
@role_required(ADMIN)
def retry_incident_step(incident_id: int):
    return _act(
        incident_id, lambda actor: retry_incident(incident_id, actor=actor, seen_version=_seen_version()),
        _("Đã chạy lại bước lỗi; hồ sơ tiếp tục."), _("Chạy lại chưa thành công; sự cố vẫn còn."))


@bp.route("/quan-tri/su-co/<int:incident_id>/sua-du-lieu", methods=["POST"])
@role_required(ADMIN)
def edit_incident_data(incident_id: int):
    return _act(
        incident_id, lambda actor: edit_data_and_retry(incident_id, request.form.get("data", ""), actor=actor,
                                                       seen_version=_seen_version()),
        _("Đã sửa dữ liệu và chạy lại; hồ sơ tiếp tục."), _("Đã sửa dữ liệu nhưng chạy lại chưa thành công."))


@bp.route("/quan-tri/su-co/<int:incident_id>/bo-qua", methods=["POST"])
@role_required(ADMIN)
def skip_incident_step(incident_id: int):
    return _act(
        incident_id, lambda actor: skip_step(incident_id, actor=actor, reason=request.form.get("reason", ""),
                                             seen_version=_seen_version()),
        _("Đã bỏ qua bước lỗi; hồ sơ tiếp tục."), _("Đã bỏ qua bước lỗi nhưng hồ sơ gặp sự cố ở bước sau."))


@bp.route("/quan-tri/su-co/<int:incident_id>/huy-ho-so", methods=["POST"])
@role_required(ADMIN)
def cancel_incident(incident_id: int):
    return _act(
        incident_id, lambda actor: cancel_incident_case(incident_id, actor=actor,
                                                        reason=request.form.get("reason", ""),
                                                        seen_version=_seen_version()),
        _("Đã hủy hồ sơ."))
