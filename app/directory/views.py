"""Administration pages: agencies, departments and users (Quản trị)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.extensions import db
from app.vietnamese_order import vietnamese

from . import services
from .forms import AGENCY_KIND_LABELS, AgencyForm, DepartmentForm
from .models import CONTACT_FIELDS, Agency, Department, User
from .roles import ADMIN
from .scoping import get_visible, scoped

bp = Blueprint("directory", __name__, url_prefix="/quan-tri")
PAGE_SIZE = 50


def _visible_or_404(model, object_id):
    found = get_visible(model, object_id, actor=signed_in_user())
    if found is None:
        abort(404)
    return found


def _show_field_errors(form, refused: services.DirectoryError) -> None:
    for name, message in refused.fields.items():
        target = getattr(form, name, None)
        (target.errors if target is not None else form.form_errors).append(message)


def save_or_show_errors(form, change, message: str, next_url):
    """Run a service change; commit, flash and redirect, or put its refusal beside the fields.

    Returns the redirect, or None when the form must be shown again.
    """
    try:
        changed = change()
    except services.DirectoryError as refused:
        _show_field_errors(form, refused)
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(next_url(changed))


@bp.route("/co-quan")
@role_required(ADMIN)
def agencies():
    query = request.args.get("q", "").strip()
    stmt = scoped(select(Agency), current_user).order_by(vietnamese(Agency.name), Agency.code)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(or_(Agency.name.ilike(like), Agency.code.ilike(like), Agency.short_name.ilike(like)))
    page = db.paginate(stmt, per_page=PAGE_SIZE, error_out=False)
    return render_template("directory/agencies.html", page=page, query=query, kinds=AGENCY_KIND_LABELS)


def _agency_form(agency=None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    others = db.session.execute(select(Agency.id, Agency.name).order_by(vietnamese(Agency.name))).all()
    form.parent_id.choices = [(0, _("— Không có (cấp cao nhất) —"))] + [
        (row.id, row.name) for row in others if agency is None or row.id != agency.id]
    return form


def _agency_fields(form: AgencyForm) -> dict:
    return {"code": form.code.data, "name": form.name.data.strip(), "short_name": form.short_name.data.strip(),
            "kind": form.kind.data, "parent_id": form.parent_id.data or None,
            **{name: getattr(form, name).data for name in CONTACT_FIELDS}}


@bp.route("/co-quan/moi", methods=["GET", "POST"])
@role_required(ADMIN)
def new_agency():
    if not current_user.province_wide:
        abort(403)
    form = _agency_form()
    if form.validate_on_submit():
        done = save_or_show_errors(
            form, lambda: services.create_agency(actor=signed_in_user(), **_agency_fields(form)),
            _("Đã thêm cơ quan %(name)s.", name=form.name.data.strip()),
            lambda agency: url_for("directory.agency", agency_id=agency.id))
        if done:
            return done
    return render_template("directory/agency_form.html", form=form, agency=None)


@bp.route("/co-quan/<int:agency_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def agency(agency_id: int):
    found = _visible_or_404(Agency, agency_id)
    form = _agency_form(found)
    if not form.is_submitted():
        form.parent_id.data = found.parent_id or 0
    if form.validate_on_submit():
        if not current_user.province_wide:
            abort(403)
        done = save_or_show_errors(
            form, lambda: services.update_agency(found, actor=signed_in_user(), **_agency_fields(form)),
            _("Đã lưu thông tin cơ quan."), lambda agency: url_for("directory.agency", agency_id=agency.id))
        if done:
            return done
    user_count = db.session.scalar(select(func.count(User.id)).where(User.agency_id == found.id))
    return render_template("directory/agency_form.html", form=form, agency=found,
                           department_form=DepartmentForm(), user_count=user_count)


@bp.route("/co-quan/<int:agency_id>/trang-thai", methods=["POST"])
@role_required(ADMIN)
def toggle_agency(agency_id: int):
    found = _visible_or_404(Agency, agency_id)
    if not current_user.province_wide:
        abort(403)
    services.set_agency_active(found, not found.active, actor=signed_in_user())
    db.session.commit()
    flash(_("Đã kích hoạt cơ quan.") if found.active else _("Đã ngừng hoạt động cơ quan."), "success")
    return redirect(url_for("directory.agency", agency_id=found.id))


@bp.route("/co-quan/<int:agency_id>/phong-ban", methods=["POST"])
@role_required(ADMIN)
def new_department(agency_id: int):
    found = _visible_or_404(Agency, agency_id)
    form = DepartmentForm()
    if form.validate_on_submit():
        done = save_or_show_errors(
            form, lambda: services.create_department(found, actor=signed_in_user(), name=form.name.data.strip(),
                                                     abbreviation=form.abbreviation.data),
            _("Đã thêm phòng ban."), lambda department: url_for("directory.agency", agency_id=found.id))
        if done:
            return done
    return render_template("directory/agency_form.html", form=_agency_form(found), agency=found,
                           department_form=form, user_count=None), 422


@bp.route("/phong-ban/<int:department_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def department(department_id: int):
    found = _visible_or_404(Department, department_id)
    form = DepartmentForm(obj=found)
    if form.validate_on_submit():
        done = save_or_show_errors(
            form, lambda: services.update_department(found, actor=signed_in_user(), name=form.name.data.strip(),
                                                     abbreviation=form.abbreviation.data),
            _("Đã lưu phòng ban."), lambda department: url_for("directory.agency", agency_id=department.agency_id))
        if done:
            return done
    return render_template("directory/department_form.html", form=form, department=found)


@bp.route("/phong-ban/<int:department_id>/trang-thai", methods=["POST"])
@role_required(ADMIN)
def toggle_department(department_id: int):
    found = _visible_or_404(Department, department_id)
    services.set_department_active(found, not found.active, actor=signed_in_user())
    db.session.commit()
    flash(_("Đã cập nhật trạng thái phòng ban."), "success")
    return redirect(url_for("directory.agency", agency_id=found.agency_id))


from . import user_views  # noqa: E402,F401  (more routes on this blueprint)
