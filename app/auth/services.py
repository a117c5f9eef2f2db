"""Authenticate people, keep their sign-ins (browser sessions, API tokens), change passwords."""
import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .models import ApiToken, LoginSession
from .passwords import hash_password, password_matches, password_problem
from .throttle import ThrottlePolicy, record_failure, record_success, reserve_attempt


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def authenticate(username: str, password: str, *, address: str,
                 policy: ThrottlePolicy = ThrottlePolicy()) -> User | None:
    """Return the active user with these credentials, or None; raise LoginThrottled when waiting."""
    username = normalise_username(username)
    reserve_attempt(username, address, policy)
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not password_matches(user.password_hash, password) or not user.active:
        record_failure(username, address, policy)
        db.session.flush()
        return None
    user.last_login_at = utcnow()
    record_success(username, address)
    record("user_logged_in", actor=user, subject=user, address=address)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User, *, max_age: timedelta) -> str:
    """Open a browser session for the user; return the key its cookie carries (only its hash is kept).
    Sessions past `max_age` no longer open anything; they are swept here."""
    db.session.execute(delete(LoginSession).where(LoginSession.created_at <= utcnow() - max_age))
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_digest(key)))
    db.session.flush()
    return key


def session_user_statement(user_id: int, key: str, *, max_age: timedelta):
    """The select of the user behind a live session key (the caller adds its loading options)."""
    return (select(User).join(LoginSession, LoginSession.user_id == User.id)
            .where(User.id == user_id, LoginSession.key_hash == _digest(key or ""),
                   LoginSession.created_at > utcnow() - max_age))


def end_session(key: str, *, actor: User) -> None:
    """Sign out one browser session: its cookie stops working, the person's other sessions go on."""
    db.session.execute(delete(LoginSession).where(LoginSession.key_hash == _digest(key or "")))
    record("user_logged_out", actor=actor, subject=actor)


def end_sign_ins(user: User, *, keep_session_key: str | None = None) -> None:
    """End every browser session (but the one kept) and revoke every API token of the user."""
    sessions = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_session_key:
        sessions = sessions.where(LoginSession.key_hash != _digest(keep_session_key))
    db.session.execute(sessions)
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def change_password(user: User, current: str, new: str, *, actor: User,
                    keep_session_key: str | None = None) -> dict[str, str]:
    """Change the password; return field errors (empty when changed).

    Everywhere else the person is signed in (other browsers, API tokens) ends: whoever knew the old
    password may have opened them.
    """
    if not password_matches(user.password_hash, current):
        return {"current_password": _("Mật khẩu hiện tại không đúng.")}
    problem = password_problem(new, username=user.username)
    if problem:
        return {"new_password": problem}
    if password_matches(user.password_hash, new):
        return {"new_password": _("Mật khẩu mới phải khác mật khẩu hiện tại.")}
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sign_ins(user, keep_session_key=keep_session_key)
    record("password_changed", actor=actor, subject=user)
    db.session.flush()
    return {}


def issue_api_token(user: User, *, hours: int) -> tuple[str, ApiToken]:
    """Create a bearer token for the user; the clear text is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_digest(token),
                   expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(row)
    record("api_token_issued", actor=user, subject=user, expires_at=row.expires_at)
    db.session.flush()
    return token, row


def revoke_api_token(token: str, *, actor: User) -> None:
    """End one API sign-in (the client's logout)."""
    db.session.execute(update(ApiToken).where(ApiToken.token_hash == _digest(token or ""),
                                              ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    record("api_token_revoked", actor=actor, subject=actor)
    db.session.flush()


# Built once: every API request asks it, with the token's digest and the time as parameters.
_TOKEN_USER = (select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.token_hash == bindparam("token_hash"),
    ApiToken.revoked_at.is_(None),
    ApiToken.expires_at > bindparam("now"),
    User.active.is_(True),
).options(joinedload(User.role_rows)))


def user_for_api_token(token: str) -> User | None:
    """Return the active user holding this unexpired, unrevoked token.

    Asked on every API request: one statement, the user joined to the token and their roles loaded
    with them (the roles are read by every route's rules), nothing written.
    """
    if not token:
        return None
    return db.session.scalars(_TOKEN_USER, {"token_hash": _digest(token), "now": utcnow()}).unique().one_or_none()
