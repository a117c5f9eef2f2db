"""Wire forms of edXML values: dates yyyy/MM/dd, timestamps "yyyy/MM/dd HH:mm:ss" (Vietnam time),
DocumentId `{OrganId},{yyyy/MM/dd},{số}/{ký hiệu}`, agency codes `ccc.cc.cc.Lnn`; and the tolerant
readers that accept what real packages carry, each deviation reported as a Vietnamese warning."""
import re
from datetime import date, datetime

from flask_babel import gettext as _

from app.vietnam_time import VIETNAM

DATE_FORMAT = "%Y/%m/%d"
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
AGENCY_CODE = re.compile(r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}")
# Other spellings seen in the wild, tried after the standard one; each is accepted with a warning.
_OTHER_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y.%m.%d", "%d.%m.%Y")
_OTHER_TIMESTAMP_FORMATS = ("%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M:%S", "%Y/%m/%d %H:%M",
                            "%d/%m/%Y %H:%M")


def format_date(day: date | None) -> str | None:
    return day.strftime(DATE_FORMAT) if day else None


def format_timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM)
    return moment.strftime(TIMESTAMP_FORMAT)


def document_id(organ_id: str, day: date | None, number: str | int | None, notation: str | None = None) -> str:
    """The cross-system identifier of a document, e.g. `000.00.00.G22,2015/09/30,7816/VPCP-TTĐT`."""
    code = "/".join(str(part) for part in (number, notation) if part not in (None, ""))
    return f"{organ_id},{format_date(day) or ''},{code}"


def is_agency_code(text: str | None) -> bool:
    return bool(text) and AGENCY_CODE.fullmatch(text) is not None


def read_date(text: str | None, label: str, warnings: list[str]) -> date | None:
    """The day in `text`: the standard form silently, another known form (dd/MM/yyyy, ISO, with a
    time) with a warning, anything else as None with a warning."""
    if not text:
        return None
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        pass
    day = _other_date(text)
    if day is None:
        warnings.append(_("%(field)s \"%(value)s\" không đọc được là ngày; đã bỏ qua.", field=label, value=text))
    else:
        warnings.append(_("%(field)s \"%(value)s\" không theo dạng yyyy/MM/dd; đã hiểu là %(day)s.",
                          field=label, value=text, day=day.strftime("%d/%m/%Y")))
    return day


def _other_date(text: str) -> date | None:
    for pattern in _OTHER_DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    moment = _other_timestamp(text)
    return moment.date() if moment else None


def read_timestamp(text: str | None, label: str, warnings: list[str]) -> datetime | None:
    """The moment in `text` (Vietnam time unless it names a zone); other forms as `read_date`."""
    if not text:
        return None
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=VIETNAM)
    except ValueError:
        pass
    moment = _other_timestamp(text)
    if moment is None:
        day = _other_date(text) or _standard_day(text)
        moment = datetime(day.year, day.month, day.day, tzinfo=VIETNAM) if day else None
    if moment is None:
        warnings.append(_("%(field)s \"%(value)s\" không đọc được là thời điểm; đã bỏ qua.",
                          field=label, value=text))
    else:
        warnings.append(_("%(field)s \"%(value)s\" không theo dạng yyyy/MM/dd HH:mm:ss.", field=label, value=text))
    return moment


def _standard_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        return None


def _other_timestamp(text: str) -> datetime | None:
    for pattern in _OTHER_TIMESTAMP_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def read_int(text: str | None, label: str, warnings: list[str]) -> int | None:
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        warnings.append(_("%(field)s \"%(value)s\" không phải là số; đã bỏ qua.", field=label, value=text))
        return None


def read_bool(text: str | None, label: str, warnings: list[str]) -> bool | None:
    if text is None or text == "":
        return None
    lowered = text.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    warnings.append(_("%(field)s \"%(value)s\" không phải là true/false; đã bỏ qua.", field=label, value=text))
    return None
