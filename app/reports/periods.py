"""The period a report covers: a month, a quarter, a year, or days chosen by hand (dd/mm/yyyy)."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from app.vietnam_time import parse_day_or_none, unreadable_day, vietnam_today

KINDS = ("month", "quarter", "year", "custom")
MAX_DAYS = 366


class PeriodRefused(ValueError):
    """A period that cannot be reported on; the message is for people."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Tháng %(month)02d/%(year)s", month=self.start.month, year=self.start.year)
        if self.kind == "quarter":
            return _("Quý %(quarter)s/%(year)s", quarter=(self.start.month - 1) // 3 + 1, year=self.start.year)
        if self.kind == "year":
            return _("Năm %(year)s", year=self.start.year)
        return _("Từ %(start)s đến %(end)s", start=self.start.strftime("%d/%m/%Y"), end=self.end.strftime("%d/%m/%Y"))

    def as_args(self) -> dict:
        """Query arguments naming this period (for links and exports)."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.start.strftime("%d/%m/%Y"), "to": self.end.strftime("%d/%m/%Y")}
        args = {"period": self.kind, "year": self.start.year}
        if self.kind == "month":
            args["month"] = self.start.month
        if self.kind == "quarter":
            args["quarter"] = (self.start.month - 1) // 3 + 1
        return args


def _number(text, low: int, high: int, default: int) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return default
    if not low <= value <= high:
        raise PeriodRefused(_("Giá trị ngoài giới hạn: %(value)s.", value=value))
    return value


def period_from_args(args, today: date | None = None) -> Period:
    """Read `period` (month | quarter | year | custom) with `year`, `month`, `quarter` or `from`/`to`;
    the current month by default. PeriodRefused for what cannot be meant (a 13th month, to < from)."""
    today = today or vietnam_today()
    kind = args.get("period") or "month"
    if kind not in KINDS:
        raise PeriodRefused(_("Loại kỳ báo cáo không hợp lệ."))
    year = _number(args.get("year"), 1900, 2200, today.year)
    if kind == "month":
        month = _number(args.get("month"), 1, 12, today.month)
        start = date(year, month, 1)
        return Period(kind, start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1))
    if kind == "quarter":
        quarter = _number(args.get("quarter"), 1, 4, (today.month - 1) // 3 + 1)
        start = date(year, 3 * quarter - 2, 1)
        return Period(kind, start, (start + timedelta(days=95)).replace(day=1) - timedelta(days=1))
    if kind == "year":
        return Period(kind, date(year, 1, 1), date(year, 12, 31))
    if unreadable_day(args.get("from")) or unreadable_day(args.get("to")):
        raise PeriodRefused(_("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy."))
    start = parse_day_or_none(args.get("from")) or today.replace(day=1)
    end = parse_day_or_none(args.get("to")) or today
    if end < start:
        raise PeriodRefused(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if (end - start).days >= MAX_DAYS:
        raise PeriodRefused(_("Khoảng thời gian tối đa một năm."))
    return Period(kind, start, end)
