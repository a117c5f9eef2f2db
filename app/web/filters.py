"""Template filters and globals for Vietnamese formats: dd/mm/yyyy, HH:mm in Vietnam time, 4.129."""
from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, format_decimal, get_locale, to_user_timezone

from app.directory.roles import ROLE_LABELS
from app.rendering.formats import display_value
from app.signing.roles import signature_role

from .process_texts import process_text


def vn_datetime(value, with_seconds: bool = False) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # ISO 8601 kept in JSON (e.g. a signature's time)
        value = datetime.fromisoformat(value)
    return format_datetime(value, "dd/MM/yyyy HH:mm:ss" if with_seconds else "dd/MM/yyyy HH:mm")


def vn_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def vn_number(value) -> str:
    return format_decimal(value)


def overdue_days(due_at, now) -> int:
    """Whole calendar days (Vietnam time) past the deadline's day; 0 when not overdue."""
    if due_at is None or due_at >= now:
        return 0
    return max(1, (to_user_timezone(now).date() - to_user_timezone(due_at).date()).days)


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def register_filters(app: Flask) -> None:
    app.add_template_filter(vn_datetime)
    app.add_template_filter(vn_date)
    app.add_template_filter(vn_number)
    app.add_template_filter(role_label)
    app.add_template_filter(overdue_days)
    app.add_template_filter(signature_role)
    app.add_template_filter(display_value, "register_cell")
    app.add_template_filter(process_text)
    app.add_template_global(get_locale)
