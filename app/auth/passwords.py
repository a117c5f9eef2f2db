"""Password hashing (scrypt via Werkzeug) and the rules a new password must meet."""
import secrets
from functools import cache

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10


@cache
def _unknown_user_hash() -> str:
    # Checked when the username is unknown, so a miss costs as much time as a wrong password.
    return generate_password_hash("không có tài khoản này")


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of the password."""
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check a password in constant time, whether or not the account exists."""
    return check_password_hash(password_hash or _unknown_user_hash(), password) and bool(password_hash)


def password_problem(password: str, *, username: str) -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD_LENGTH)
    if username and username.lower() in password.lower():
        return _("Mật khẩu không được chứa tên đăng nhập.")
    if password.isdigit() or password.isalpha():
        return _("Mật khẩu phải có cả chữ và số hoặc ký hiệu.")
    return None


def generate_temporary_password(username: str) -> str:
    """Return a random password that itself passes the rules (random letters alone may not)."""
    while True:
        candidate = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
        if password_problem(candidate, username=username) is None:
            return candidate
