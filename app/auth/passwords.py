"""Password hashing (scrypt via Werkzeug) and the rules a new password must meet."""
import secrets
import string
from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10
MIN_DISTINCT_CHARACTERS = 5
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Runs people type instead of choosing: alphabet, digits, keyboard rows.
SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "0123456789", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc")
_PADDING = string.digits + string.punctuation + " "


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _guessable(password: str) -> bool:
    """A listed password, or one padded with digits and symbols ("password123!"), or a typed run."""
    lowered = password.lower()
    core = lowered.strip(_PADDING)
    if lowered in common_passwords() or (len(core) >= 6 and core in common_passwords()):
        return True
    return len(core) >= 6 and any(core in sequence or core in sequence[::-1] for sequence in SEQUENCES)


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
    if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
        return _("Mật khẩu quá đơn giản: cần ít nhất %(n)s ký tự khác nhau.", n=MIN_DISTINCT_CHARACTERS)
    if _guessable(password):
        return _("Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.")
    return None


def generate_temporary_password(username: str) -> str:
    """Return a random password that itself passes the rules (random letters alone may not)."""
    while True:
        candidate = f"{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"
        if password_problem(candidate, username=username) is None:
            return candidate
