"""Login, logout and password change pages."""
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db

from .forms import ChangePasswordForm, LoginForm
from .services import authenticate, change_password
from .session import current_session_key, sign_in, sign_out, signed_in_user
from .throttle import LoginThrottled, ThrottlePolicy

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing gift.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.dashboard")


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data,
                                address=request.remote_addr or "-", policy=ThrottlePolicy.from_config(current_app.config))
        except LoginThrottled as throttled:
            form.form_errors.append(_(
                "Đăng nhập sai quá nhiều lần. Vui lòng chờ %(n)s giây rồi thử lại.",
                n=throttled.wait_seconds))
            status = 429
        else:
            if user is not None:
                sign_in(user)
            db.session.commit()
            if user is not None:
                if user.must_change_password:
                    flash(_("Vui lòng đổi mật khẩu trước khi làm việc."), "warning")
                    return redirect(url_for("auth.change_password_page"))
                return redirect(_safe_next(request.args.get("next")))
            form.form_errors.append(_("Tên đăng nhập hoặc mật khẩu không đúng."))
            status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/dang-xuat", methods=["POST"])
@login_required
def logout():
    sign_out(signed_in_user())
    db.session.commit()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
@login_required
def change_password_page():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        errors = change_password(signed_in_user(), form.current_password.data, form.new_password.data,
                                 actor=signed_in_user(), keep_session_key=current_session_key())
        if not errors:
            db.session.commit()
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("web.dashboard"))
        for field, message in errors.items():
            getattr(form, field).errors.append(message)
    return render_template("auth/change_password.html", form=form)
