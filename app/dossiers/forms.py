"""What the dossier pages read from a form: typed values, or Vietnamese messages beside the fields.

Plain parsing rather than WTForms select fields: those answer text such as "abc" or a number past the
database's integer in English ("Not a valid choice"), which people must never see.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.web.routing import MAX_ID

from .services import DossierRefused

ACCESS_LABELS = {"public": _l("Công khai"), "restricted": _l("Hạn chế"), "secret": _l("Mật")}
STATUS_LABELS = {"open": _l("Đang lập"), "closed": _l("Đã đóng")}


def _text(form: MultiDict, name: str) -> str:
    return " ".join((form.get(name) or "").split()) if name != "note" else (form.get(name) or "").strip()


def _optional_id(form: MultiDict, name: str, errors: dict, message: str) -> int | None:
    value = (form.get(name) or "").strip()
    if value in ("", "0"):
        return None
    if not value.isdecimal() or len(value) > 10 or int(value) > MAX_ID:
        errors[name] = message
        return None
    return int(value)


def year_from(text: str | None, errors: dict, name: str = "year") -> int | None:
    value = (text or "").strip()
    if not value.isdecimal() or len(value) > 4 or not 1900 <= int(value) <= 2999:
        errors[name] = _("Nhập năm gồm 4 chữ số.")
        return None
    return int(value)


def dossier_fields(form: MultiDict) -> dict:
    """The DOSSIER_FIELDS of a dossier form (DossierRefused when one cannot even be read)."""
    errors: dict[str, str] = {}
    fields = {
        "notation": _text(form, "notation").upper(),
        "title": _text(form, "title"),
        "department_id": _optional_id(form, "department_id", errors, _("Chọn đơn vị của cơ quan.")),
        "responsible_id": _optional_id(form, "responsible_id", errors, _("Chọn người của cơ quan.")),
        "retention_id": _optional_id(form, "retention_id", errors, _("Chọn thời hạn bảo quản.")),
        "access": (form.get("access") or "").strip(),
        "note": _text(form, "note")[:2000],
    }
    if errors:
        raise DossierRefused(errors)
    return fields


def retention_fields(form: MultiDict) -> dict:
    """Name, years (None: vĩnh viễn) and examples of a retention period form."""
    years_text = (form.get("years") or "").strip()
    years = None
    if years_text:
        if not years_text.isdecimal() or len(years_text) > 3:
            raise DossierRefused({"years": _("Số năm từ 1 đến 200; để trống nếu bảo quản vĩnh viễn.")})
        years = int(years_text)
    return {"name": " ".join((form.get("name") or "").split()), "years": years,
            "examples": (form.get("examples") or "").strip()[:4000]}
