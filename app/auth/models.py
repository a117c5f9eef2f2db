"""Login failures (for throttling) and API tokens."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow


class LoginFailure(db.Model):
    """One failed attempt; kept in the database so every worker and host sees the same count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    failed_at = mapped_column(UtcDateTime, default=utcnow, nullable=False, index=True)


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Only the SHA-256 of the token is kept: a database dump does not hand out sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UtcDateTime, nullable=False)
    revoked_at = mapped_column(UtcDateTime)

    user = relationship("User")
