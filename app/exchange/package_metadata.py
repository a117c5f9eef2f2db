"""An edXML document package's header as the metadata of an incoming document, with a Vietnamese warning
for every field that had to be guessed or cut (real packages are messy; the clerk checks at Tiếp nhận)."""
import re

from flask_babel import gettext as _

from app.documents.folding import fold
from app.documents.metadata import IncomingMetadata
from app.documents.vocabulary import DOCUMENT_TYPES
from app.vietnam_time import vietnam_today

from .edxml.model import DocumentPackage

_TYPE_BY_NAME = {fold(name): code for code, (name, _abbr) in DOCUMENT_TYPES.items()}
_TYPE_BY_ABBREVIATION = {abbr: code for code, (_name, abbr) in DOCUMENT_TYPES.items() if abbr}
# edXML Priority: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ; ours stops at hỏa tốc.
_URGENCY = {0: 0, 1: 1, 2: 2, 3: 3, 4: 3}


def package_metadata(package: DocumentPackage) -> tuple[IncomingMetadata, list[str]]:
    warnings: list[str] = []
    sender = package.sender
    number = _cut(package.code.code_number or "", 32, _("Số"), warnings)
    if not number:
        warnings.append(_("Gói tin không có số văn bản (CodeNumber)."))
    notation = _cut(package.code.code_notation or "", 64, _("Ký hiệu"), warnings)
    document_date = package.promulgation.promulgation_date
    if document_date is None:
        document_date = vietnam_today()
        warnings.append(_("Gói tin không có ngày ban hành; tạm ghi ngày nhận, văn thư kiểm tra lại."))
    subject = (package.subject or "").strip()
    if not subject:
        subject = _("(Gói tin không có trích yếu)")
        warnings.append(_("Gói tin không có trích yếu (Subject)."))
    priority = package.other_info.priority if package.other_info else None
    metadata = IncomingMetadata(
        doc_type=_doc_type(package, notation, warnings), number=number, notation=notation,
        issuer_code=_cut(sender.organ_id, 32, _("Mã cơ quan gửi"), warnings),
        issuer_name=_cut(sender.organ_name or sender.organ_id, 255, _("Tên cơ quan gửi"), warnings),
        document_date=document_date, subject=subject[:4000],
        urgency=_URGENCY.get(priority or 0, 0),
        page_count=package.other_info.page_amount if package.other_info else None,
        signer_name=_cut((package.signer.full_name if package.signer else None) or "", 255, _("Người ký"), warnings),
        due_date=package.due_date)
    return metadata, warnings


def _doc_type(package: DocumentPackage, notation: str, warnings: list[str]) -> str:
    """The document type by its name in the header, else by the notation's first part ("QĐ-UBND")."""
    name = package.document_type.type_name
    if name and fold(name.strip()) in _TYPE_BY_NAME:
        return _TYPE_BY_NAME[fold(name.strip())]
    first = re.split(r"[-/]", notation, maxsplit=1)[0].strip() if notation else ""
    if first in _TYPE_BY_ABBREVIATION:
        return _TYPE_BY_ABBREVIATION[first]
    warnings.append(_("Không nhận ra loại văn bản (%(name)s); tạm ghi Công văn.", name=name or "—"))
    return "CV"


def _cut(text: str, limit: int, label: str, warnings: list[str]) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        warnings.append(_("%(label)s dài quá %(n)s ký tự, đã cắt bớt.", label=label, n=limit))
    return text[:limit]


def carried_values(package: DocumentPackage) -> dict[str, str]:
    """The header values an update package carries, cut to the document's columns ({field: text, dates ISO});
    an element left out or empty is no change."""
    values = {"subject": (package.subject or "").strip()[:4000],
              "number": (package.code.code_number or "").strip()[:32],
              "notation": (package.code.code_notation or "").strip()[:64],
              "document_date": package.promulgation.promulgation_date.isoformat()
              if package.promulgation.promulgation_date else "",
              "due_date": package.due_date.isoformat() if package.due_date else "",
              "signer_name": ((package.signer.full_name if package.signer else None) or "").strip()[:255]}
    return {name: value for name, value in values.items() if value}
