"""Permission decorators for web views."""
from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def allowed_when(predicate):
    """Let the view run only for a logged-in user for whom `predicate(user)` holds (403 otherwise): the
    same predicate decides whether the menu offers the page."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate


def role_required(*roles: str):
    """Let the view run only for a logged-in user holding one of the roles (403 otherwise)."""
    return allowed_when(lambda user: user.has_role(*roles))
