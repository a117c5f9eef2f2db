"""The person's own email page: their address and the kinds of notices they get by email."""
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.auth.session import signed_in_user
from app.extensions import db

from .forms import EmailPreferencesForm
from .preferences import chosen_kinds, save_email_preferences
from .sending import digest_enabled

bp = Blueprint("mail", __name__)


@bp.route("/tai-khoan/thong-bao-email", methods=["GET", "POST"])
@login_required
def preferences_page():
    user = signed_in_user()
    form = EmailPreferencesForm(data={"email": user.email or "", "kinds": list(chosen_kinds(user))})
    status = 200
    if form.validate_on_submit():
        save_email_preferences(user, email=form.email.data, kinds=form.kinds.data, actor=user)
        db.session.commit()
        flash(_("Đã lưu cài đặt thông báo qua email."), "success")
        return redirect(url_for("mail.preferences_page"))
    if form.is_submitted():
        status = 400
    return render_template("mail/preferences.html", form=form, enabled=digest_enabled(current_app.config),
                           hour=current_app.config["MAIL_DIGEST_HOUR"]), status
