"""Vietnam time (UTC+7, no daylight saving): days, deadlines and register years follow it, storage is UTC."""
from datetime import date, datetime, time, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def vietnam_today() -> date:
    return datetime.now(timezone.utc).astimezone(VIETNAM).date()


def start_of_day(day: date) -> datetime:
    """Midnight of a Vietnamese calendar day, in UTC (for comparing with stored times)."""
    return datetime.combine(day, time(0), VIETNAM).astimezone(timezone.utc)
