"""Đóng hồ sơ, giữ theo yêu cầu pháp lý, xuất hồ sơ: the dossier page's actions after filing."""
import io

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import CLERK, DOCUMENT_READERS, LEADER
from app.directory.scoping import get_visible
from app.extensions import db

from . import closing, export, services
from .models import Dossier

bp = Blueprint("dossier_closing", __name__)


@bp.app_context_processor
def closing_words():
    return {"dossier_closing_panel": closing_panel}


def closing_panel(dossier: Dossier, actor) -> dict:
    """What the dossier page offers after the Mục lục: close, legal hold, export, the PDF/A copies."""
    keeps = services.keeps_list_of(dossier, actor)
    return {"may_close": keeps and dossier.is_open, "may_hold": keeps,
            "preservation": None if dossier.is_open else closing.preservation_summary(dossier)}


def _kept_dossier_or_404(dossier_id: int) -> Dossier:
    actor = signed_in_user()
    dossier = get_visible(Dossier, dossier_id, actor=actor)
    if dossier is None or not services.keeps_list_of(dossier, actor):
        abort(404)
    return dossier


def _back(dossier_id: int):
    return redirect(url_for("dossiers.dossier_detail", dossier_id=dossier_id))


@bp.route("/ho-so/<int:dossier_id>/dong", methods=["POST"])
@role_required(CLERK, LEADER)
def close_dossier(dossier_id: int):
    dossier = _kept_dossier_or_404(dossier_id)
    try:
        result = closing.run_closing(dossier, actor=signed_in_user(), files_dir=current_app.config["FILES_DIR"])
    except services.DossierRefused as refused:
        db.session.rollback()
        flash(next(iter(refused.fields.values())), "warning")
        return _back(dossier_id), 303
    message = _("Đã đóng hồ sơ: %(n)s văn bản, %(copies)s bản PDF/A mới.", n=result.documents,
                copies=result.converted)
    if result.failures:
        message += " " + _("%(n)s tệp không chuyển được sang PDF/A; bản gốc được giữ để bảo quản.",
                           n=len(result.failures))
    flash(message, "warning" if result.failures else "success")
    return _back(dossier_id), 303


@bp.route("/ho-so/<int:dossier_id>/giu-phap-ly", methods=["POST"])
@role_required(CLERK, LEADER)
def legal_hold(dossier_id: int):
    dossier = _kept_dossier_or_404(dossier_id)
    hold = request.form.get("hold") == "1"
    try:
        closing.set_legal_hold(dossier, actor=signed_in_user(), hold=hold, reason=request.form.get("reason", ""))
    except services.DossierRefused as refused:
        db.session.rollback()
        flash(next(iter(refused.fields.values())), "warning")
        return _back(dossier_id), 303
    db.session.commit()
    flash(_("Đã đặt giữ hồ sơ theo yêu cầu pháp lý.") if hold else _("Đã bỏ giữ hồ sơ theo yêu cầu pháp lý."),
          "success")
    return _back(dossier_id), 303


@bp.route("/ho-so/<int:dossier_id>/xuat")
@role_required(*DOCUMENT_READERS)
def export_dossier(dossier_id: int):
    actor = signed_in_user()
    dossier = get_visible(Dossier, dossier_id, actor=actor)
    if dossier is None:
        abort(404)
    try:
        exported = export.export_dossier(dossier, actor=actor, files_dir=current_app.config["FILES_DIR"])
    except services.DossierRefused as refused:
        db.session.rollback()
        flash(next(iter(refused.fields.values())), "warning")
        return _back(dossier_id), 303
    db.session.commit()
    return send_file(io.BytesIO(exported.data), mimetype="application/zip", as_attachment=True,
                     download_name=exported.filename)
