"""The metadata of an incoming document as the clerk (or an API client) gives it, checked field by field."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from app.signing.validation import MAX_PAGES
from app.vietnam_time import parse_day, vietnam_today

from .vocabulary import DOCUMENT_TYPES


class DocumentRefused(ValueError):
    """Input that cannot be registered; `fields` maps field names to Vietnamese messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass
class IncomingMetadata:
    doc_type: str
    number: str
    notation: str
    issuer_code: str
    issuer_name: str
    document_date: date
    subject: str
    urgency: int = 0
    secrecy: int = 0
    page_count: int | None = None
    signer_name: str = ""
    due_date: date | None = None

    def as_data(self) -> dict:
        data = dict(self.__dict__)
        data["document_date"] = self.document_date.isoformat()
        data["due_date"] = self.due_date.isoformat() if self.due_date else None
        return data


def parse_metadata(values) -> IncomingMetadata:
    """Read metadata from a form or a JSON object (dates dd/mm/yyyy or ISO); refuse with every field's reason."""
    errors: dict[str, str] = {}
    text = _TextReader(values)
    doc_type = text("doc_type", 8)
    if doc_type not in DOCUMENT_TYPES:
        errors["doc_type"] = _("Chọn loại văn bản.")
    number, notation = text("number", 32), text("notation", 64)
    if not number:
        errors["number"] = _("Nhập số văn bản như in trên văn bản.")
    issuer_code, issuer_name = text("issuer_code", 32), text("issuer_name", 255)
    if not issuer_code and not issuer_name:
        errors["issuer_code"] = _("Nhập mã định danh hoặc tên cơ quan ban hành.")
    subject = text("subject", 2000)
    if not subject:
        errors["subject"] = _("Nhập trích yếu.")
    document_date = _date(values.get("document_date"), "document_date", errors, required=True)
    if document_date and document_date > vietnam_today():
        errors["document_date"] = _("Ngày văn bản không được sau hôm nay.")
    due_date = _date(values.get("due_date"), "due_date", errors, required=False)
    if due_date and due_date < vietnam_today():
        errors["due_date"] = _("Hạn xử lý đã qua; chọn một ngày từ hôm nay trở đi.")
    urgency = _level(values.get("urgency"), "urgency", errors)
    secrecy = _level(values.get("secrecy"), "secrecy", errors)
    page_count = _positive(values.get("page_count"), "page_count", errors)
    for name in ("number", "notation", "issuer_code", "issuer_name", "subject", "signer_name"):
        if text.too_long(name):
            errors.setdefault(name, _("Quá dài."))
    if errors:
        raise DocumentRefused(errors)
    return IncomingMetadata(doc_type=doc_type, number=number, notation=notation, issuer_code=issuer_code,
                            issuer_name=issuer_name, document_date=document_date, subject=subject,
                            urgency=urgency, secrecy=secrecy, page_count=page_count,
                            signer_name=text("signer_name", 255), due_date=due_date)


class _TextReader:
    """Trimmed text fields, remembering which ones were longer than their column."""

    def __init__(self, values):
        self.values, self.long = values, set()

    def __call__(self, name: str, limit: int) -> str:
        value = self.values.get(name)
        value = "" if value is None else str(value).strip()
        if len(value) > limit:
            self.long.add(name)
        return value[:limit]

    def too_long(self, name: str) -> bool:
        return name in self.long


def _date(value, name: str, errors: dict, *, required: bool) -> date | None:
    if value in (None, ""):
        if required:
            errors[name] = _("Trường này bắt buộc.")
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except ValueError:
        errors[name] = _("Ngày không hợp lệ (dd/mm/yyyy).")
        return None


def _level(value, name: str, errors: dict) -> int:
    if value in (None, ""):
        return 0
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = -1
    if level not in (0, 1, 2, 3):
        errors[name] = _("Giá trị không nằm trong danh sách cho phép.")
        return 0
    return level


def _positive(value, name: str, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1 or number > MAX_PAGES:
        errors[name] = _("Số trang phải là số nguyên dương.")
        return None
    return number
