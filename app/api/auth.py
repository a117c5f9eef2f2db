"""Bearer-token authentication for /api/v1 (cookies are never accepted there)."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.read_only import read_only_message, refuses
from app.auth.services import user_for_api_token
from app.directory.roles import DOCUMENT_READERS

from .errors import api_error_response


def bearer_token() -> str:
    """The token of the request's `Authorization: Bearer …` header ("" when there is none)."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def password_change_response():
    """403 for a person holding an administrator-set temporary password: the web makes them change it."""
    return api_error_response(403, _("Tài khoản đang dùng mật khẩu tạm thời. Vui lòng đăng nhập trên trang web "
                                     "và đổi mật khẩu trước khi dùng API."))


def token_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        user = user_for_api_token(bearer_token())
        if user is None:
            return api_error_response(401, _("Thiếu hoặc sai mã truy cập (Bearer token)."),
                                      headers={"WWW-Authenticate": "Bearer"})
        g.api_user = user
        if user.must_change_password:
            return password_change_response()
        if refuses(user):
            return api_error_response(403, read_only_message())
        return view(*args, **kwargs)

    return guarded


def roles_required(*roles: str):
    """After token_required: refuse (403) a caller holding none of the roles, before the body is read."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not g.api_user.has_role(*roles):
                return api_error_response(403, _("Vai trò của bạn không được dùng chức năng này."))
            return view(*args, **kwargs)

        return guarded

    return decorate


# Lists of documents: only the roles that read them (app.documents.access states the same rule per row).
reader_required = roles_required(*DOCUMENT_READERS)
