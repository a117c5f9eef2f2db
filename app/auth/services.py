"""Authenticate people, throttle guessing, issue API tokens, change passwords."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.audit.services import record
from app.directory.models import User
from app.extensions import db
from app.sqltypes import utcnow

from .models import ApiToken, LoginFailure
from .passwords import hash_password, password_matches, password_problem


class LoginThrottled(Exception):
    def __init__(self, wait_seconds: int):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class ThrottlePolicy:
    limit: int = 5
    window_seconds: int = 60

    @classmethod
    def from_config(cls, config) -> "ThrottlePolicy":
        return cls(config["LOGIN_FAILURE_LIMIT"], config["LOGIN_FAILURE_WINDOW_SECONDS"])


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def seconds_to_wait(username: str, address: str, policy: ThrottlePolicy) -> int:
    """Return how long this username or address must wait before the next attempt (0 = go)."""
    now = utcnow()
    since = now - timedelta(seconds=policy.window_seconds)
    waits = []
    for column, value in ((LoginFailure.username, username), (LoginFailure.address, address)):
        recent = db.session.scalars(
            select(LoginFailure.failed_at)
            .where(column == value, LoginFailure.failed_at > since)
            .order_by(LoginFailure.failed_at.desc())
            .limit(policy.limit)
        ).all()
        if len(recent) >= policy.limit:
            # Free again one window after the oldest of the last `limit` failures.
            waits.append(recent[-1] + timedelta(seconds=policy.window_seconds) - now)
    if not waits:
        return 0
    return max(1, int(max(waits).total_seconds() + 0.999))


def authenticate(username: str, password: str, *, address: str,
                 policy: ThrottlePolicy = ThrottlePolicy()) -> User | None:
    """Return the active user with these credentials, or None; raise LoginThrottled when waiting."""
    username = normalise_username(username)
    wait = seconds_to_wait(username, address, policy)
    if wait:
        raise LoginThrottled(wait)
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not password_matches(user.password_hash, password) or not user.active:
        db.session.add(LoginFailure(username=username[:64], address=address[:64]))
        _forget_old_failures(policy)
        db.session.flush()
        return None
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    record("user_logged_in", actor=user, subject=user, address=address)
    return user


def _forget_old_failures(policy: ThrottlePolicy) -> None:
    cutoff = utcnow() - timedelta(seconds=policy.window_seconds * 10)
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < cutoff))


def change_password(user: User, current: str, new: str, *, actor: User) -> dict[str, str]:
    """Change the password; return field errors (empty when changed)."""
    if not password_matches(user.password_hash, current):
        return {"current_password": _("Mật khẩu hiện tại không đúng.")}
    problem = password_problem(new, username=user.username)
    if problem:
        return {"new_password": problem}
    if password_matches(user.password_hash, new):
        return {"new_password": _("Mật khẩu mới phải khác mật khẩu hiện tại.")}
    user.password_hash = hash_password(new)
    user.must_change_password = False
    record("password_changed", actor=actor, subject=user)
    db.session.flush()
    return {}


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User, *, hours: int) -> tuple[str, ApiToken]:
    """Create a bearer token for the user; the clear text is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_token_digest(token),
                   expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(row)
    record("api_token_issued", actor=user, subject=user, expires_at=row.expires_at)
    db.session.flush()
    return token, row


def user_for_api_token(token: str) -> User | None:
    """Return the active user holding this unexpired, unrevoked token."""
    if not token:
        return None
    row = db.session.scalars(
        select(ApiToken).where(
            ApiToken.token_hash == _token_digest(token),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
    ).first()
    if row is None or not row.user.active:
        return None
    return row.user
