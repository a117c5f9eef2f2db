"""Pages of the Danh mục hồ sơ, a dossier with its Mục lục văn bản, Lưu hồ sơ, and the retention periods."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.decorators import allowed_when, role_required
from app.auth.session import signed_in_user
from app.directory.models import Department, User
from app.directory.roles import ADMIN, CLERK, DOCUMENT_READERS, LEADER
from app.directory.scoping import get_visible, scoped
from app.documents.access import open_document
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.vietnamese_order import vietnamese
from app.web.routing import bounded_int

from . import filing, services
from .forms import ACCESS_LABELS, STATUS_LABELS, dossier_fields, retention_fields, year_from
from .models import Dossier, DossierDocument, RetentionPeriod

bp = Blueprint("dossiers", __name__)
PER_PAGE = 50


@bp.app_context_processor
def dossier_words():
    return {"ACCESS_LABELS": ACCESS_LABELS, "DOSSIER_STATUS_LABELS": STATUS_LABELS,
            "keeps_dossiers": services.keeps_dossiers, "document_dossiers": document_dossiers}


def document_dossiers(document, actor) -> dict:
    """For the document page: the dossiers holding it and whether to offer "Lưu hồ sơ"."""
    return {"held_in": filing.dossiers_of(document),
            "offer": filing.may_file(document, actor) and filing.is_handled(document)}


def _dossier_or_404(dossier_id: int) -> Dossier:
    actor = signed_in_user()
    dossier = get_visible(Dossier, dossier_id, actor=actor)
    if dossier is None:
        abort(404)
    return dossier


def _choices(agency_id: int, dossier: Dossier | None = None) -> dict:
    """What the dossier form offers: the agency's units and people, and the retention periods in use."""
    departments = db.session.scalars(select(Department).where(Department.agency_id == agency_id,
                                                              Department.active.is_(True))
                                     .order_by(vietnamese(Department.name))).all()
    people = db.session.scalars(select(User).where(User.agency_id == agency_id, User.active.is_(True))
                                .options(selectinload(User.department))
                                .order_by(vietnamese(User.full_name), User.id)).all()
    periods = services.retention_periods(active_only=True)
    if dossier is not None and dossier.retention not in periods:
        periods.append(dossier.retention)  # no longer offered for new dossiers, still this one's
    return {"unit_options": [(0, _("— Chưa chọn —"))] + [(d.id, d.name) for d in departments],
            "person_options": [(0, _("— Chưa chọn —"))] + [
                (p.id, f"{p.full_name} — {p.department.name}" if p.department else p.full_name) for p in people],
            "period_options": [("", _("— Chọn thời hạn —"))] + [(p.id, p.name) for p in periods]}


@bp.route("/ho-so")
@role_required(*DOCUMENT_READERS)
def dossier_list():
    actor = signed_in_user()
    year = request.args.get("nam", vietnam_today().year, type=bounded_int)
    department_id = request.args.get("don-vi", 0, type=bounded_int)
    statement = scoped(select(Dossier), actor).where(Dossier.year == year)
    if department_id:
        statement = statement.where(Dossier.department_id == department_id)
    statement = statement.options(selectinload(Dossier.agency), selectinload(Dossier.department),
                                  selectinload(Dossier.responsible), selectinload(Dossier.retention)).order_by(
        vietnamese(Dossier.notation), vietnamese(Dossier.title), Dossier.id)
    page = db.paginate(statement, page=request.args.get("page", 1, type=bounded_int), per_page=PER_PAGE,
                       error_out=False)
    counts = dict(db.session.execute(select(DossierDocument.dossier_id, func.count()).where(
        DossierDocument.dossier_id.in_([d.id for d in page.items])).group_by(DossierDocument.dossier_id)).all())
    departments = db.session.scalars(scoped(select(Department), actor).where(Department.active.is_(True))
                                     .order_by(vietnamese(Department.name))).all()
    return render_template("dossiers/list.html", page=page, year=year, department_id=department_id,
                           departments=departments, counts=counts)


@bp.route("/ho-so/moi", methods=["GET", "POST"])
@role_required(CLERK, LEADER)
def new_dossier():
    actor = signed_in_user()
    values, errors = request.form.to_dict(), {}
    if request.method == "POST":
        year = year_from(request.form.get("year"), errors)
        try:
            fields = dossier_fields(request.form)
            if errors:
                raise services.DossierRefused(errors)
            dossier = services.create_dossier(actor=actor, year=year, **fields)
        except services.DossierRefused as refused:
            db.session.rollback()
            errors = {**errors, **refused.fields}
        else:
            db.session.commit()
            flash(_("Đã thêm hồ sơ %(code)s vào danh mục.", code=dossier.code), "success")
            return redirect(url_for("dossiers.dossier_detail", dossier_id=dossier.id))
    else:
        values = {"year": request.args.get("nam", vietnam_today().year, type=bounded_int), "access": "public"}
    return render_template("dossiers/form.html", dossier=None, values=values, errors=errors,
                           **_choices(actor.agency_id)), 422 if errors else 200


@bp.route("/ho-so/<int:dossier_id>/sua", methods=["GET", "POST"])
@role_required(CLERK, LEADER)
def edit_dossier(dossier_id: int):
    actor = signed_in_user()
    dossier = _dossier_or_404(dossier_id)
    if not services.keeps_list_of(dossier, actor):
        abort(404)
    if not dossier.is_open:
        flash(_("Hồ sơ đã đóng, không sửa được nữa."), "warning")
        return redirect(url_for("dossiers.dossier_detail", dossier_id=dossier.id))
    values, errors = {key: getattr(dossier, key) for key in services.DOSSIER_FIELDS}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            services.update_dossier(dossier, actor=actor, **dossier_fields(request.form))
        except services.DossierRefused as refused:
            db.session.rollback()
            errors = refused.fields
        else:
            db.session.commit()
            flash(_("Đã lưu hồ sơ %(code)s.", code=dossier.code), "success")
            return redirect(url_for("dossiers.dossier_detail", dossier_id=dossier.id))
    return render_template("dossiers/form.html", dossier=dossier, values=values, errors=errors,
                           **_choices(dossier.agency_id, dossier)), 422 if errors else 200


@bp.route("/ho-so/sao-chep", methods=["POST"])
@role_required(CLERK, LEADER)
def copy_previous_year():
    errors = {}
    year = year_from(request.form.get("year"), errors)
    try:
        if errors:
            raise services.DossierRefused(errors)
        copies = services.copy_previous_year(actor=signed_in_user(), year=year)
    except services.DossierRefused as refused:
        db.session.rollback()
        flash(next(iter(refused.fields.values())), "warning")
        return redirect(url_for("dossiers.dossier_list", nam=year or vietnam_today().year))
    db.session.commit()
    flash(_("Đã sao chép %(n)s hồ sơ từ danh mục năm %(previous)s sang năm %(year)s.", n=len(copies),
            previous=year - 1, year=year), "success")
    return redirect(url_for("dossiers.dossier_list", nam=year))


@bp.route("/ho-so/<int:dossier_id>")
@role_required(*DOCUMENT_READERS)
def dossier_detail(dossier_id: int):
    actor = signed_in_user()
    dossier = _dossier_or_404(dossier_id)
    return render_template("dossiers/detail.html", dossier=dossier, rows=filing.contents(dossier, actor),
                           may_edit=services.keeps_list_of(dossier, actor) and dossier.is_open)


@bp.route("/van-ban/<int:document_id>/luu-ho-so", methods=["GET", "POST"])
@login_required
def file_document(document_id: int):
    actor = signed_in_user()
    document = open_document(document_id, actor)
    if document is None:
        abort(404)
    if not filing.may_file(document, actor):
        abort(403)
    errors, chosen = {}, []
    if request.method == "POST":
        chosen = request.form.getlist(filing.FIELD)
        try:
            filed = filing.file_document(document, filing.dossier_ids_from(chosen), actor=actor)
        except services.DossierRefused as refused:
            db.session.rollback()
            errors = refused.fields
        else:
            db.session.commit()
            flash(_("Đã lưu văn bản vào hồ sơ: %(list)s.", list=", ".join(
                f"{link.dossier.code} (STT {link.position})" for link in filed)), "success")
            return redirect(url_for("documents.document_detail", document_id=document.id))
    else:
        db.session.commit()  # keeps the audit event of a secret document's opening
    return render_template("dossiers/file.html", document=document, handled=filing.is_handled(document),
                           held_in=filing.dossiers_of(document), open_dossiers=filing.open_dossiers_for(document),
                           chosen=chosen, errors=errors), 422 if errors else 200


# Retention periods: one table for the installation, so only its province-wide administrators change it.

def _installation_admin(user) -> bool:
    return user.has_role(ADMIN) and user.province_wide


@bp.route("/quan-tri/thoi-han-bao-quan")
@role_required(ADMIN)
def retention_periods():
    return render_template("dossiers/retention_periods.html", periods=services.retention_periods(),
                           values={}, errors={})


@bp.route("/quan-tri/thoi-han-bao-quan/moi", methods=["POST"])
@allowed_when(_installation_admin)
def new_retention_period():
    try:
        period = services.create_retention_period(actor=signed_in_user(), **retention_fields(request.form))
    except services.DossierRefused as refused:
        db.session.rollback()
        return render_template("dossiers/retention_periods.html", periods=services.retention_periods(),
                               values=request.form.to_dict(), errors=refused.fields), 422
    db.session.commit()
    flash(_("Đã thêm thời hạn bảo quản %(name)s.", name=period.name), "success")
    return redirect(url_for("dossiers.retention_periods"))


@bp.route("/quan-tri/thoi-han-bao-quan/<int:period_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def retention_period(period_id: int):
    period = db.session.get(RetentionPeriod, period_id)
    if period is None:
        abort(404)
    values = {"name": period.name, "years": period.years or "", "examples": period.examples,
              "active": period.active}
    errors = {}
    if request.method == "POST":
        if not _installation_admin(signed_in_user()):
            abort(403)
        values = {**request.form.to_dict(), "active": request.form.get("active") == "1"}
        try:
            services.update_retention_period(period, actor=signed_in_user(), active=values["active"],
                                             **retention_fields(request.form))
        except services.DossierRefused as refused:
            db.session.rollback()
            errors = refused.fields
        else:
            db.session.commit()
            flash(_("Đã lưu thời hạn bảo quản."), "success")
            return redirect(url_for("dossiers.retention_periods"))
    return render_template("dossiers/retention_form.html", period=period, values=values,
                           errors=errors), 422 if errors else 200
