"""A person's email settings: which kinds of notices reach them by email, and their digest's day.

One row per person, made when they first choose or first get a digest (no row = the default kinds).
A table of its own rather than columns on User: the directory owns User, and the digest's bookkeeping
(the day sent, the lease of a digest being sent) changes daily without touching the account.
"""
from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.notifications.models import DUE_TOMORROW, KINDS, NEW_TASK, OVERDUE, REMINDER
from app.sqltypes import UtcDateTime

# Work that is theirs and deadlines: on unless the person turns them off; the rest they opt into.
DEFAULT_KINDS = (NEW_TASK, DUE_TOMORROW, OVERDUE, REMINDER)


class EmailPreference(db.Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    # The chosen kinds, comma-separated; None = DEFAULT_KINDS (a kind added later starts at its default
    # only for people who never chose).
    kinds: Mapped[str | None] = mapped_column(String(255))
    # The Vietnamese day of the last digest accepted by the mail server: at most one a day.
    digest_day: Mapped[date | None] = mapped_column(Date)
    # A digest being sent since then: other runners leave the person alone until the lease runs out.
    digest_claimed_at = mapped_column(UtcDateTime)

    def chosen_kinds(self) -> tuple[str, ...]:
        if self.kinds is None:
            return DEFAULT_KINDS
        chosen = set(self.kinds.split(","))
        return tuple(kind for kind in KINDS if kind in chosen)
