"""Delegation pages (Ủy quyền): hand a role to a colleague for a while, or take it back."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from app.auth.session import signed_in_user
from app.extensions import db
from app.vietnamese_order import vietnamese

from .delegation import create_delegation, revoke_delegation
from .forms import DelegationForm
from .models import Delegation, User
from .roles import ADMIN, DELEGABLE_ROLES, ROLE_LABELS
from .scoping import get_visible, scoped
from .services import DirectoryError

bp = Blueprint("delegation", __name__, url_prefix="/uy-quyen")


def _form() -> DelegationForm:
    form = DelegationForm()
    form.role.choices = [(r, str(ROLE_LABELS[r])) for r in DELEGABLE_ROLES if current_user.has_role(r)]
    colleagues = db.session.scalars(
        scoped(select(User), current_user)
        .where(User.agency_id == current_user.agency_id, User.active.is_(True), User.id != current_user.id)
        .order_by(vietnamese(User.full_name), User.id))
    form.delegate_id.choices = [(u.id, f"{u.full_name} — {u.job_title}") for u in colleagues]
    return form


def _page(form, status=200):
    stmt = scoped(select(Delegation), current_user).order_by(Delegation.starts_on.desc())
    if not current_user.has_role(ADMIN):
        stmt = stmt.where(or_(Delegation.delegator_id == current_user.id,
                              Delegation.delegate_id == current_user.id))
    else:
        stmt = stmt.where(Delegation.agency_id == current_user.agency_id)
    return render_template("directory/delegations.html", form=form,
                           delegations=db.session.scalars(stmt.limit(200)).all()), status


@bp.route("", methods=["GET"])
@login_required
def delegations():
    return _page(_form())


@bp.route("", methods=["POST"])
@login_required
def new_delegation():
    form = _form()
    if not form.role.choices:
        abort(403)
    if form.validate_on_submit():
        delegate = get_visible(User, form.delegate_id.data, actor=signed_in_user())
        if delegate is None:
            abort(404)
        try:
            create_delegation(actor=signed_in_user(), delegator=signed_in_user(), delegate=delegate,
                              role=form.role.data, starts_on=form.starts_on.data,
                              ends_on=form.ends_on.data, note=(form.note.data or "").strip())
        except DirectoryError as refused:
            for name, message in refused.fields.items():
                getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            flash(_("Đã ủy quyền cho %(name)s.", name=delegate.full_name), "success")
            return redirect(url_for("delegation.delegations"))
    return _page(form, 422)


@bp.route("/<int:delegation_id>/thu-hoi", methods=["POST"])
@login_required
def revoke(delegation_id: int):
    found = get_visible(Delegation, delegation_id, actor=signed_in_user())
    if found is None:
        abort(404)
    if found.delegator_id != current_user.id and not current_user.has_role(ADMIN):
        abort(403)
    revoke_delegation(found, actor=signed_in_user())
    db.session.commit()
    flash(_("Đã thu hồi ủy quyền."), "success")
    return redirect(url_for("delegation.delegations"))
