"""Flask-Login wiring: load the user of a live session, send strangers to the login page.

A signed cookie alone no longer signs anyone in: it must also carry the key of a LoginSession row.
Logout deletes that row (this cookie only, the person's other browsers go on); a password change or
reset deletes all the others; a copied cookie is worthless once its row is gone.
"""
from datetime import timedelta

from flask import Flask, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.directory.models import User
from app.extensions import db

from .services import end_session, session_user_statement, start_session

SESSION_KEY = "_auth_key"
# Pages a user who must change the password may still open.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {"auth.change_password_page", "auth.logout", "web.vendor_asset",
                                   "web.set_language", "static"}


def _session_max_age() -> timedelta:
    return timedelta(days=current_app.config["LOGIN_SESSION_MAX_DAYS"])


def load_session_user(user_id: int, key: str | None) -> User | None:
    """The signed-in user with their roles in one statement: every request checks roles (menu, guards,
    task entitlement), so loading them apart would cost each request a second round trip. The join on
    the session row is what makes a logged-out cookie fail."""
    if not key:
        return None
    user = db.session.scalars(session_user_statement(user_id, key, max_age=_session_max_age())
                              .options(joinedload(User.role_rows))).unique().first()
    return user if user is not None and user.active else None


def sign_in(user: User) -> None:
    """Open a server-side session for the user and put its key in the cookie."""
    key = start_session(user, max_age=_session_max_age())
    login_user(user)
    session[SESSION_KEY] = key


def sign_out(user: User) -> None:
    """End this browser's session only."""
    end_session(session.get(SESSION_KEY), actor=user)
    logout_user()
    session.pop(SESSION_KEY, None)


def current_session_key() -> str | None:
    return session.get(SESSION_KEY)


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        return load_session_user(int(user_id), session.get(SESSION_KEY))

    @app.before_request
    def require_password_change():
        # The API is checked first: it never signs in by cookie, so its requests load no cookie session's user.
        if (request.blueprint != "api" and current_user.is_authenticated and current_user.must_change_password
                and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE):
            return redirect(url_for("auth.change_password_page"))
        return None


def signed_in_user() -> User:
    """Return the real User behind `current_user`: services get objects, never request proxies."""
    return current_user._get_current_object()
