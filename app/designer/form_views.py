"""Designers' form editor: a task form's JSON Schema and UI schema, with the preview staff would see."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.roles import ADMIN, DESIGNER
from app.extensions import db
from app.web.routing import bounded_int
from app.workflow.task_pages import picker_choices

from . import drafts
from .access import definition_or_404
from .drafts import DesignError
from .views import known_forms

bp = Blueprint("designer_forms", __name__, url_prefix="/thiet-ke")


@bp.route("/<process_id>/bieu-mau", methods=["GET", "POST"])
@role_required(DESIGNER, ADMIN)
def form_editor(process_id: str):
    definition = definition_or_404(process_id)
    name = (request.values.get("ten") or "").strip()
    draft = drafts.draft_of(process_id)
    lock_version = draft.lock_version if draft else 0
    error, preview = None, None
    if request.method == "POST":
        schema_text, ui_text = request.form.get("schema", ""), request.form.get("ui", "")
        try:
            if request.form.get("action") == "save":
                draft = drafts.save_form(process_id, name, schema_text, ui_text, actor=signed_in_user(),
                                         lock_version=request.form.get("lock_version", type=bounded_int))
                db.session.commit()
                flash(_("Đã lưu biểu mẫu %(name)s vào bản nháp.", name=name), "success")
                return redirect(url_for("designer_forms.form_editor", process_id=process_id, ten=name))
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
                           forms=known_forms(process_id))


@bp.route("/<process_id>/bieu-mau/xem-truoc", methods=["POST"])
@role_required(DESIGNER, ADMIN)
def form_preview(process_id: str):
    """The live preview's fragment: the form rendered from the texts as typed, or why it cannot be."""
    definition_or_404(process_id)
    try:
        preview = drafts.preview_form((request.form.get("ten") or "").strip(), request.form.get("schema", ""),
                                      request.form.get("ui", ""))
    except DesignError as refused:
        return render_template("designer/_form_preview.html", error=str(refused), fields=[])
    return render_template("designer/_form_preview.html", error=None, fields=_preview_fields(preview))


def _preview_fields(form) -> list:
    return form.fields({}, {}, picker_choices(form, signed_in_user())) if form is not None else []
