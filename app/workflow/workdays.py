"""Working-day arithmetic for deadlines (hạn xử lý): Monday–Friday minus configured holidays."""
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta

__all__ = ["WorkCalendar"]

_ONE_DAY = timedelta(days=1)


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"Cần một ngày (date), nhận được {type(value).__name__}.")


class WorkCalendar:
    """Mon–Fri working days minus `holidays`, plus `working_weekends` (ngày làm bù)."""

    def __init__(self, holidays: Iterable[date] = (), working_weekends: Iterable[date] = ()):
        self._holidays = frozenset(_as_date(d) for d in holidays)
        self._working_weekends = frozenset(_as_date(d) for d in working_weekends if _as_date(d).weekday() >= 5)
        # Sorted lists let working_days_between count exceptions by bisection instead of day by day.
        self._weekday_holidays = sorted(d for d in self._holidays if d.weekday() < 5)
        self._extra_days = sorted(self._working_weekends - self._holidays)

    @property
    def holidays(self) -> frozenset[date]:
        """The configured holidays."""
        return self._holidays

    def is_working_day(self, d: date) -> bool:
        """True on Monday–Friday that is not a holiday, or on a configured make-up weekend day."""
        d = _as_date(d)
        if d in self._holidays:
            return False
        return d.weekday() < 5 or d in self._working_weekends

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        d = _as_date(d) + _ONE_DAY
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before `d`."""
        d = _as_date(d) - _ONE_DAY
        while not self.is_working_day(d):
            d -= _ONE_DAY
        return d

    def add_working_days(self, start: date, n: int) -> date:
        """Move `n` working days from `start` (n=0: `start` if working, else the next working day)."""
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Số ngày làm việc phải là số nguyên, nhận được {type(n).__name__}.")
        d = _as_date(start)
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d)
        step = self.next_working_day if n > 0 else self.previous_working_day
        for _ in range(abs(n)):
            d = step(d)
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b (negative when b is before a)."""
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        full_weeks, rest = divmod((b - a).days, 7)
        count = full_weeks * 5
        count += sum(1 for i in range(1, rest + 1) if (a + timedelta(days=i)).weekday() < 5)
        count -= self._count_in(self._weekday_holidays, a, b)
        count += self._count_in(self._extra_days, a, b)
        return count

    @staticmethod
    def _count_in(sorted_days: list[date], a: date, b: date) -> int:
        """How many of `sorted_days` fall in (a, b]."""
        return bisect_right(sorted_days, b) - bisect_right(sorted_days, a)

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._holidays)} holidays, {len(self._working_weekends)} working weekends)"

