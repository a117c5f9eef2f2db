"""Working-day arithmetic: weekends, holidays, make-up Saturdays, both directions."""
from datetime import date, datetime, timedelta

import pytest

from app.workflow.workdays import WorkCalendar

# Quốc khánh 2024 fell on Monday 2 and Tuesday 3 September; Tết 2024 ran Thursday 8 – Wednesday 14 February.
HOLIDAYS = [date(2024, 9, 2), date(2024, 9, 3)] + [date(2024, 2, 8) + timedelta(days=i) for i in range(7)]
MAKE_UP_SATURDAY = date(2024, 2, 17)


@pytest.fixture
def calendar():
    return WorkCalendar(HOLIDAYS, working_weekends=[MAKE_UP_SATURDAY])


def test_is_working_day(calendar):
    assert calendar.is_working_day(date(2024, 8, 30))  # Friday
    assert not calendar.is_working_day(date(2024, 8, 31))  # Saturday
    assert not calendar.is_working_day(date(2024, 9, 1))  # Sunday
    assert not calendar.is_working_day(date(2024, 9, 2))  # holiday
    assert calendar.is_working_day(MAKE_UP_SATURDAY)
    assert calendar.is_working_day(datetime(2024, 8, 30, 15, 0))


def test_plain_calendar_has_only_weekends():
    plain = WorkCalendar()
    assert plain.is_working_day(date(2024, 9, 2))
    assert plain.add_working_days(date(2024, 8, 30), 1) == date(2024, 9, 2)
    assert plain.holidays == frozenset()


def test_add_zero_days(calendar):
    assert calendar.add_working_days(date(2024, 8, 30), 0) == date(2024, 8, 30)
    assert calendar.add_working_days(date(2024, 8, 31), 0) == date(2024, 9, 4)  # Saturday before the holidays
    assert calendar.add_working_days(date(2024, 9, 2), 0) == date(2024, 9, 4)


def test_add_forward_skips_weekend_and_holidays(calendar):
    assert calendar.add_working_days(date(2024, 8, 29), 1) == date(2024, 8, 30)
    assert calendar.add_working_days(date(2024, 8, 30), 1) == date(2024, 9, 4)
    assert calendar.add_working_days(date(2024, 8, 30), 3) == date(2024, 9, 6)
    assert calendar.add_working_days(date(2024, 8, 31), 1) == date(2024, 9, 4)
    # Tết: Wed 7 Feb + 1 → Thu 15 Feb; the make-up Saturday counts.
    assert calendar.add_working_days(date(2024, 2, 7), 1) == date(2024, 2, 15)
    assert calendar.add_working_days(date(2024, 2, 7), 3) == date(2024, 2, 17)


def test_add_backwards(calendar):
    assert calendar.add_working_days(date(2024, 9, 4), -1) == date(2024, 8, 30)
    assert calendar.add_working_days(date(2024, 9, 9), -3) == date(2024, 9, 4)
    assert calendar.add_working_days(date(2024, 2, 15), -1) == date(2024, 2, 7)


def test_add_accepts_datetime_and_rejects_non_integers(calendar):
    assert calendar.add_working_days(datetime(2024, 8, 29, 23, 59), 1) == date(2024, 8, 30)
    with pytest.raises(TypeError):
        calendar.add_working_days(date(2024, 8, 29), 1.5)
    with pytest.raises(TypeError):
        calendar.add_working_days(date(2024, 8, 29), True)
    with pytest.raises(TypeError):
        calendar.add_working_days("2024-08-29", 1)


def test_previous_and_next_working_day(calendar):
    assert calendar.previous_working_day(date(2024, 9, 4)) == date(2024, 8, 30)
    assert calendar.previous_working_day(date(2024, 9, 5)) == date(2024, 9, 4)
    assert calendar.previous_working_day(date(2024, 2, 19)) == MAKE_UP_SATURDAY
    assert calendar.next_working_day(date(2024, 8, 30)) == date(2024, 9, 4)


def test_working_days_between(calendar):
    assert calendar.working_days_between(date(2024, 8, 30), date(2024, 8, 30)) == 0
    assert calendar.working_days_between(date(2024, 8, 30), date(2024, 9, 4)) == 1
    assert calendar.working_days_between(date(2024, 9, 4), date(2024, 8, 30)) == -1
    assert calendar.working_days_between(date(2024, 2, 1), date(2024, 2, 29)) == 16  # 20 weekdays - 5 Tết + 1 make-up


def _brute_between(calendar, a, b):
    sign, (a, b) = (1, (a, b)) if a <= b else (-1, (b, a))
    return sign * sum(calendar.is_working_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def test_between_matches_day_by_day_count(calendar):
    start = date(2024, 1, 25)
    for offset in range(0, 60, 3):
        a = start + timedelta(days=offset)
        for span in range(-20, 40):
            b = a + timedelta(days=span)
            assert calendar.working_days_between(a, b) == _brute_between(calendar, a, b), (a, b)


def test_add_and_between_are_inverse(calendar):
    start = date(2024, 1, 25)
    for offset in range(45):
        a = start + timedelta(days=offset)
        for n in range(1, 25):
            assert calendar.working_days_between(a, calendar.add_working_days(a, n)) == n
            if calendar.is_working_day(a):  # (b, a] counts a itself, so going back is exact from a working day
                assert calendar.working_days_between(a, calendar.add_working_days(a, -n)) == -n
