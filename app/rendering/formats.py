"""Vietnamese display formats for printed and exported values, without Flask (workers use them too).

The screen uses flask_babel filters (app/web/filters.py); printed documents are always in
Vietnamese and may be produced outside a request, so they format here: dd/mm/yyyy, HH:mm in
Vietnam time, 4.129.
"""
from datetime import date, datetime
from decimal import Decimal

from app.vietnam_time import VIETNAM


def vietnam_time(value: datetime) -> datetime:
    """An aware datetime converted to Vietnam time; a naive one is taken as already Vietnam time."""
    return value.astimezone(VIETNAM) if value.tzinfo is not None else value


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = vietnam_time(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    return "" if value is None else vietnam_time(value).strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def format_iso_datetime(iso: str | None, *, seconds: bool = False) -> str:
    """An ISO 8601 time kept in JSON (audit data, signature verdicts) as people read it, Vietnam time."""
    return format_datetime(datetime.fromisoformat(iso), seconds=seconds) if iso else ""


def format_number(value: int | float | Decimal, grouped: bool = True) -> str:
    """Thousands separated by "." and decimals by "," (4.129; 12,5); ungrouped: 4129."""
    text = f"{value:,}" if grouped else f"{value}"
    return text.translate(str.maketrans({",": ".", ".": ","}))


def period_text(start: date, end: date) -> str:
    """"Từ ngày 01/01/2026 đến ngày 31/03/2026", the period line of registers and reports."""
    return f"Từ ngày {format_date(start)} đến ngày {format_date(end)}"


def display_value(value, grouped: bool = True) -> str:
    """Any cell value as printed text: dates and times in Vietnamese form, numbers grouped
    unless `grouped` is False (identifiers such as số đến)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, int | float | Decimal):
        return format_number(value, grouped)
    return str(value)
