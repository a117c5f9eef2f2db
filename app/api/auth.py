"""Bearer-token authentication for /api/v1 (cookies are never accepted there)."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.read_only import read_only_message, refuses
from app.auth.services import user_for_api_token
from app.directory.roles import DOCUMENT_READERS

from .errors import api_error_response


def token_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        user = user_for_api_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            return api_error_response(401, _("Thiếu hoặc sai mã truy cập (Bearer token)."),
                                      headers={"WWW-Authenticate": "Bearer"})
        g.api_user = user
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
