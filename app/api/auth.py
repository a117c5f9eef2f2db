"""Bearer-token authentication for /api/v1 (cookies are never accepted there)."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from app.auth.read_only import read_only_message, refuses
from app.auth.services import user_for_api_token
from app.documents.access import reads_documents

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


def reader_required(view):
    """After token_required: refuse (403) a caller none of whose roles reads documents."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if not reads_documents(g.api_user):
            return api_error_response(403, _("Vai trò của bạn không được xem văn bản."))
        return view(*args, **kwargs)

    return guarded
