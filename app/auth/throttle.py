"""Login throttling: per account and address, a slower cap per account, a generous cap per address.

Each attempt on an account is counted *before* its password is checked, by one atomic
INSERT … ON CONFLICT DO UPDATE … RETURNING: parallel guesses queue on the counter row (PostgreSQL row
lock, SQLite's single writer) and each sees the count the others left, so none slips past the limit.
Counting per account and address means one person's typos do not lock a whole office behind one
address, nor does a stranger's guessing lock the account everywhere until the slower account cap.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, delete, literal, update

from app.database import conflict_insert
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

from .models import LoginThrottle


class LoginThrottled(Exception):
    def __init__(self, wait_seconds: int):
        super().__init__(wait_seconds)
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class Limit:
    attempts: int
    window_seconds: int


@dataclass(frozen=True)
class ThrottlePolicy:
    per_account_address: Limit = Limit(5, 60)
    per_account: Limit = Limit(20, 900)
    # Spraying one password over many accounts from one address; high, since offices share an address.
    per_address: Limit = Limit(100, 900)

    @classmethod
    def from_config(cls, config) -> "ThrottlePolicy":
        return cls(Limit(config["LOGIN_FAILURE_LIMIT"], config["LOGIN_FAILURE_WINDOW_SECONDS"]),
                   Limit(config["LOGIN_ACCOUNT_FAILURE_LIMIT"], config["LOGIN_ACCOUNT_WINDOW_SECONDS"]),
                   Limit(config["LOGIN_ADDRESS_FAILURE_LIMIT"], config["LOGIN_ADDRESS_WINDOW_SECONDS"]))


def _keys(username: str, address: str) -> dict[str, str]:
    return {"pair": f"u:{username[:64]}|a:{address[:64]}", "account": f"u:{username[:64]}",
            "address": f"a:{address[:64]}"}


def _count(key: str, limit: Limit) -> tuple[int, object]:
    """Add one attempt to `key`'s window (a new window once the old one is over); return count and start."""
    now = utcnow()
    expired = LoginThrottle.window_started <= now - timedelta(seconds=limit.window_seconds)
    statement = conflict_insert(LoginThrottle).values(key=key, attempts=1, window_started=now)
    statement = statement.on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
        "attempts": case((expired, 1), else_=LoginThrottle.attempts + 1),
        "window_started": case((expired, literal(now, UtcDateTime())), else_=LoginThrottle.window_started),
    }).returning(LoginThrottle.attempts, LoginThrottle.window_started)
    attempts, started = db.session.execute(statement).one()
    return attempts, started


def _wait(started, limit: Limit) -> int:
    seconds = (started + timedelta(seconds=limit.window_seconds) - utcnow()).total_seconds()
    return max(1, int(seconds + 0.999))


def reserve_attempt(username: str, address: str, policy: ThrottlePolicy) -> None:
    """Count this attempt against the account; raise LoginThrottled when a limit is already used up."""
    keys = _keys(username, address)
    address_row = db.session.get(LoginThrottle, keys["address"], populate_existing=True)
    waits = []
    if address_row is not None and address_row.attempts >= policy.per_address.attempts:
        window_end = address_row.window_started + timedelta(seconds=policy.per_address.window_seconds)
        if window_end > utcnow():
            waits.append(_wait(address_row.window_started, policy.per_address))
    # The account first, then the pair: every login of an account takes its rows in the same order.
    for name, limit in (("account", policy.per_account), ("pair", policy.per_account_address)):
        attempts, started = _count(keys[name], limit)
        if attempts > limit.attempts:
            waits.append(_wait(started, limit))
    if waits:
        raise LoginThrottled(max(waits))


def record_failure(username: str, address: str, policy: ThrottlePolicy) -> None:
    """A wrong password: the address's count goes up too (the account's was counted in advance)."""
    _count(_keys(username, address)["address"], policy.per_address)
    _forget_old_windows(policy)


def record_success(username: str, address: str) -> None:
    """The right password: the pair starts afresh and the account's advance count is given back."""
    keys = _keys(username, address)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys["pair"]))
    db.session.execute(update(LoginThrottle).where(LoginThrottle.key == keys["account"], LoginThrottle.attempts > 0)
                       .values(attempts=LoginThrottle.attempts - 1))


def _forget_old_windows(policy: ThrottlePolicy) -> None:
    longest = max(policy.per_account_address.window_seconds, policy.per_account.window_seconds,
                  policy.per_address.window_seconds)
    cutoff = utcnow() - timedelta(seconds=longest * 2)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.window_started < cutoff))

