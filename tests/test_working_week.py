"""'Due this week' (home page, leaders' dashboard): on a weekend it means the coming working week."""
from datetime import date

from app.vietnam_time import last_day_of_working_week


def test_a_weekday_counts_to_this_sunday_and_a_weekend_to_the_next():
    assert last_day_of_working_week(date(2026, 12, 7)) == date(2026, 12, 13)  # Monday
    assert last_day_of_working_week(date(2026, 12, 11)) == date(2026, 12, 13)  # Friday
    assert last_day_of_working_week(date(2026, 12, 12)) == date(2026, 12, 20)  # Saturday
    assert last_day_of_working_week(date(2026, 12, 6)) == date(2026, 12, 13)  # Sunday: the week ahead
