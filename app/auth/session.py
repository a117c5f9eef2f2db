"""Flask-Login wiring: load the user of a session, send strangers to the login page."""
from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from sqlalchemy.orm import joinedload

from app.directory.models import User
from app.extensions import db

# Pages a user who must change the password may still open.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {"auth.change_password_page", "auth.logout", "web.vendor_asset",
                                   "web.set_language", "static"}


def load_session_user(user_id: int) -> User | None:
    """The signed-in user with their roles in one statement: every request checks roles (menu, guards,
    task entitlement), so loading them apart would cost each request a second round trip."""
    user = db.session.get(User, user_id, options=[joinedload(User.role_rows)])
    return user if user is not None and user.active else None


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        return load_session_user(int(user_id))

    @app.before_request
    def require_password_change():
        if (current_user.is_authenticated and current_user.must_change_password
                and request.blueprint != "api"
                and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE):
            return redirect(url_for("auth.change_password_page"))
        return None


def signed_in_user() -> User:
    """Return the real User behind `current_user`: services get objects, never request proxies."""
    return current_user._get_current_object()
