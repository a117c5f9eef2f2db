"""Vietnam time (UTC+7, no daylight saving): days, deadlines and register years follow it, storage is UTC."""
import re
from datetime import date, datetime, time, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def vietnam_today() -> date:
    return datetime.now(timezone.utc).astimezone(VIETNAM).date()


def start_of_day(day: date) -> datetime:
    """Midnight of a Vietnamese calendar day, in UTC (for comparing with stored times)."""
    return datetime.combine(day, time(0), VIETNAM).astimezone(timezone.utc)


_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_day(text) -> date:
    """A day written dd/mm/yyyy (as people type it) or ISO yyyy-mm-dd (links, API); ValueError otherwise."""
    text = str(text).strip()
    if match := _VN_DATE.match(text):
        return date(int(match[3]), int(match[2]), int(match[1]))
    return date.fromisoformat(text)


def parse_day_or_none(text) -> date | None:
    """parse_day for optional filters: blank or unreadable means no filter, never an error page."""
    try:
        return parse_day(text) if text else None
    except ValueError:
        return None
