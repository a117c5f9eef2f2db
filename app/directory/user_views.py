"""Administration pages for user accounts, including CSV import."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.extensions import db
from app.vietnamese_order import vietnamese
from app.web.routing import bounded_int

from . import services
from .csv_import import TEMPLATE_HEADER, import_users
from .forms import ImportUsersForm, NewUserForm, ResetPasswordForm, UserForm
from .models import Agency, Department, User
from .roles import ADMIN
from .scoping import scoped
from .search import where_matches
from .views import PAGE_SIZE, _visible_or_404, bp, save_or_show_errors


@bp.route("/nguoi-dung")
@role_required(ADMIN)
def users():
    query = request.args.get("q", "").strip()
    agency_id = request.args.get("agency_id", type=bounded_int)
    stmt = (scoped(select(User), current_user).order_by(vietnamese(User.full_name), User.id)
            .options(joinedload(User.agency), joinedload(User.department)))
    stmt = where_matches(stmt, query)
    if agency_id:
        stmt = stmt.where(User.agency_id == agency_id)
    page = db.paginate(stmt, per_page=PAGE_SIZE, error_out=False)
    agencies = db.session.scalars(scoped(select(Agency), current_user).order_by(vietnamese(Agency.name))).all()
    return render_template("directory/users.html", page=page, query=query, agency_id=agency_id,
                           agencies=agencies)


def _department_choices(form: UserForm, agency: Agency) -> None:
    departments = db.session.scalars(select(Department).where(
        Department.agency_id == agency.id, Department.active.is_(True)).order_by(vietnamese(Department.name)))
    form.department_id.choices = [(0, _("— Không thuộc phòng ban —"))] + [
        (d.id, f"{d.name} ({d.abbreviation})") for d in departments]


def _user_fields(form: UserForm, agency: Agency) -> dict:
    return {"username": form.username.data, "full_name": form.full_name.data.strip(),
            "job_title": (form.job_title.data or "").strip(), "email": form.email.data,
            "agency_id": agency.id, "department_id": form.department_id.data or None}


@bp.route("/co-quan/<int:agency_id>/nguoi-dung/moi", methods=["GET", "POST"])
@role_required(ADMIN)
def new_user(agency_id: int):
    agency = _visible_or_404(Agency, agency_id)
    form = NewUserForm()
    _department_choices(form, agency)
    if form.validate_on_submit():
        done = save_or_show_errors(
            form, lambda: services.create_user(actor=signed_in_user(), roles=form.roles.data,
                                               password=form.password.data, must_change_password=True,
                                               **_user_fields(form, agency)),
            _("Đã tạo tài khoản %(username)s. Người dùng phải đổi mật khẩu khi đăng nhập lần đầu.",
              username=form.username.data),
            lambda user: url_for("directory.user", user_id=user.id))
        if done:
            return done
    return render_template("directory/user_form.html", form=form, agency=agency, user=None)


@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def user(user_id: int):
    found = _visible_or_404(User, user_id)
    form = UserForm(obj=found)
    _department_choices(form, found.agency)
    if not form.is_submitted():
        form.roles.data = sorted(found.roles)
        form.department_id.data = found.department_id or 0
    if form.validate_on_submit():
        done = save_or_show_errors(
            form, lambda: services.update_user(found, actor=signed_in_user(), roles=form.roles.data,
                                               **_user_fields(form, found.agency)),
            _("Đã lưu thông tin người dùng."), lambda user: url_for("directory.user", user_id=user.id))
        if done:
            return done
    return render_template("directory/user_form.html", form=form, agency=found.agency, user=found,
                           reset_form=ResetPasswordForm())


@bp.route("/nguoi-dung/<int:user_id>/trang-thai", methods=["POST"])
@role_required(ADMIN)
def toggle_user(user_id: int):
    found = _visible_or_404(User, user_id)
    if found.id == current_user.id:
        flash(_("Không thể tự khóa tài khoản của chính mình."), "danger")
    else:
        services.set_user_active(found, not found.active, actor=signed_in_user())
        db.session.commit()
        flash(_("Đã mở khóa tài khoản.") if found.active else _("Đã khóa tài khoản."), "success")
    return redirect(url_for("directory.user", user_id=found.id))


@bp.route("/nguoi-dung/<int:user_id>/mat-khau", methods=["POST"])
@role_required(ADMIN)
def reset_password(user_id: int):
    found = _visible_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_user_password(found, form.password.data, actor=signed_in_user())
        except services.DirectoryError as refused:
            flash(refused.fields["password"], "danger")
        else:
            db.session.commit()
            flash(_("Đã đặt mật khẩu tạm thời; người dùng phải đổi khi đăng nhập."), "success")
    else:
        flash(_("Nhập mật khẩu tạm thời."), "danger")
    return redirect(url_for("directory.user", user_id=found.id))


@bp.route("/nguoi-dung/nhap-csv", methods=["GET", "POST"])
@role_required(ADMIN)
def import_users_page():
    form = ImportUsersForm()
    report = None
    if form.validate_on_submit():
        report = import_users(form.file.data.read(), actor=signed_in_user())
        if report.file_error and not report.rows:
            db.session.rollback()
            form.file.errors.append(report.file_error)
            report = None
        else:
            db.session.commit()
    elif form.is_submitted() and not form.errors:
        abort(400)
    return render_template("directory/import_users.html", form=form, report=report,
                           template_header=TEMPLATE_HEADER)
