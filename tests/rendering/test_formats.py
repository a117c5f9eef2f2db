from datetime import date, datetime, timezone
from decimal import Decimal

from app.rendering.formats import display_value, format_date, format_datetime, format_number, period_text


def test_vietnamese_formats():
    assert format_number(4129) == "4.129"
    assert format_number(1234567) == "1.234.567"
    assert format_number(Decimal("12.5")) == "12,5"
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert period_text(date(2026, 1, 1), date(2026, 3, 31)) == "Từ ngày 01/01/2026 đến ngày 31/03/2026"


def test_times_are_shown_in_vietnam_time():
    late_evening_utc = datetime(2026, 12, 31, 18, 30, tzinfo=timezone.utc)
    assert format_datetime(late_evening_utc) == "01/01/2027 01:30"
    assert format_date(late_evening_utc) == "01/01/2027"  # the Vietnamese calendar day


def test_display_value():
    assert display_value(None) == ""
    assert display_value(True) == "Có"
    assert display_value(4129) == "4.129"
    assert display_value("Văn bản") == "Văn bản"
