"""Login throttle counters, signed-in sessions and API tokens."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow


class LoginThrottle(db.Model):
    """Attempts counted in one fixed window for one key (account+address, account, or address).

    One row per key, raised by a single INSERT … ON CONFLICT DO UPDATE … RETURNING: parallel attempts
    queue on the row instead of all reading the same old count, and every worker and host shares it.
    """

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    window_started = mapped_column(UtcDateTime, nullable=False, index=True)


class LoginSession(db.Model):
    """One signed-in browser session; its cookie works only while this row exists."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The SHA-256 of the random key the cookie carries, as for API tokens.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False, index=True)


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Only the SHA-256 of the token is kept: a database dump does not hand out sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    revoked_at = mapped_column(UtcDateTime)

    user = relationship("User")
