"""Vietnam time (UTC+7, no daylight saving): days, deadlines and register years follow it, storage is UTC."""
import re
from datetime import date, datetime, time, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def vietnam_today() -> date:
    return datetime.now(timezone.utc).astimezone(VIETNAM).date()


def start_of_day(day: date) -> datetime:
    """Midnight of a Vietnamese calendar day, in UTC (for comparing with stored times)."""
    return datetime.combine(day, time(0), VIETNAM).astimezone(timezone.utc)


def last_day_of_working_week(today: date) -> date:
    """Sunday of this week; on a weekend, of the coming one — "due this week" on a Sunday means the days
    people will work next, not the day that is ending."""
    sunday = today + timedelta(days=6 - today.weekday())
    return sunday + timedelta(days=7) if today.weekday() >= 5 else sunday


_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Days outside these years are typing slips; refusing them also keeps "the day after" and the UTC
# conversion of a period's end away from date.max (31/12/9999 + 1 day overflows).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def parse_day(text) -> date:
    """A day written dd/mm/yyyy (as people type it) or ISO yyyy-mm-dd (links, API), years 1900–2200;
    ValueError otherwise."""
    text = str(text).strip()
    if match := _VN_DATE.match(text):
        day = date(int(match[3]), int(match[2]), int(match[1]))
    else:
        day = date.fromisoformat(text)
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ValueError(f"year {day.year} outside {EARLIEST_YEAR}..{LATEST_YEAR}")
    return day


def unreadable_day(text) -> bool:
    """True when a filter was given a day that parse_day refuses (the page says so instead of ignoring it)."""
    return bool(text) and parse_day_or_none(text) is None


def parse_day_or_none(text) -> date | None:
    """parse_day for optional filters: blank or unreadable means no filter, never an error page."""
    try:
        return parse_day(text) if text else None
    except ValueError:
        return None
