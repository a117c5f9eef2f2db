"""Column types shared by every domain: UTC times, compressed large text."""
import base64
import zlib
from datetime import datetime, timezone

from sqlalchemy.types import DateTime, Text, TypeDecorator


def utcnow() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Store datetimes as naive UTC so SQLite and PostgreSQL round-trip them identically."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class CompressedText(TypeDecorator):
    """Large text (engine states) stored zlib-compressed as ASCII; plain text written before still reads."""

    impl = Text
    cache_ok = True
    PREFIX = "z1:"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        # Level 1: a 20 KB state shrinks about five times in a fraction of a millisecond.
        return self.PREFIX + base64.b64encode(zlib.compress(value.encode(), 1)).decode("ascii")

    def process_result_value(self, value, dialect):
        if value is None or not value.startswith(self.PREFIX):
            return value
        return zlib.decompress(base64.b64decode(value[len(self.PREFIX):])).decode()
