"""Read-only people: auditors look at everything they may see and change nothing.

A person whose roles are all read-only (auditor) is refused every request that is not a read
(GET, HEAD, OPTIONS), on the pages and the API alike, before any view runs; signing in and out and
changing one's own password stay open to them.
"""
from flask import Flask, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from app.directory.roles import AUDITOR

READ_ONLY_ROLES = (AUDITOR,)
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# What a read-only person may still post: their own session and password, and a replay check (it only
# reads the record; its outcome is kept as an audited check).
OPEN_TO_READ_ONLY = ("auth.login", "auth.logout", "auth.change_password_page", "api.api_login",
                     "api.api_logout", "api.replay_instance")


def is_read_only(user) -> bool:
    roles = set(user.roles)
    return bool(roles) and roles <= set(READ_ONLY_ROLES)


def refuses(user) -> bool:
    """True when `user` may not make this request (a write by a read-only person)."""
    return (request.method not in READ_METHODS and request.endpoint not in OPEN_TO_READ_ONLY
            and is_read_only(user))


def read_only_message() -> str:
    return _("Tài khoản kiểm toán chỉ được xem, không được thay đổi dữ liệu.")


class ReadOnlyRefused(Forbidden):
    """403 with the reason people read (the error page shows `detail`)."""

    def __init__(self):
        super().__init__()
        self.detail = read_only_message()


def init_read_only(app: Flask) -> None:
    @app.before_request
    def refuse_writes_by_read_only_people():
        # The API refuses by its token's holder (api.auth.token_required); a cookie's user is not loaded for it.
        if request.blueprint != "api" and current_user.is_authenticated and refuses(current_user):
            raise ReadOnlyRefused()
