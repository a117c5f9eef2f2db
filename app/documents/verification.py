"""Checking a document's signatures again, on demand: every file, against today's trust roots and CRLs.

The verdicts kept on the document are those of when it arrived or was signed; this answers "is it
still valid now" (a certificate revoked since shows up here) without changing what was recorded.
The report (HTML, PDF) lists every signature of the main file and each attachment.
"""
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app

from app.audit.services import record
from app.filestore import path_for
from app.rendering.formats import format_iso_datetime
from app.rendering.tables import Column
from app.signing.active_content import has_active_content
from app.signing.roles import signature_role
from app.signing.validation import (
    VERDICT_LABELS,
    crls_from_config,
    trust_roots_from_config,
    validate_pdf_signatures,
)
from app.signing.visible import AGENCY_FIELD, SIGNER_FIELD

from .models import Document, DocumentFile

REPORT_COLUMNS = (
    Column("file", "Tệp", 34), Column("field", "Vai trò", 24), Column("verdict", "Kết luận", 22),
    Column("signer", "Người ký", 34), Column("organisation", "Cơ quan, tổ chức", 34),
    Column("signing_time", "Thời điểm ký (khai báo)", 26), Column("timestamp_time", "Dấu thời gian", 26),
    Column("coverage", "Phạm vi", 20), Column("modification", "Thay đổi sau khi ký", 22),
    Column("anchor", "Nguồn tin cậy", 30), Column("reason", "Lý do", None),
)
COVERAGE_WORDS = {"ENTIRE_FILE": "Toàn bộ tệp", "ENTIRE_REVISION": "Đến phiên bản ký", "CONTENT_ONLY": "Chỉ nội dung"}
# A document issued in this installation carries the signer's and then the agency's signature.
ISSUED_SIGNATURE_FIELDS = (SIGNER_FIELD, AGENCY_FIELD)
MODIFICATION_WORDS = {"NONE": "Không", "LTA_UPDATES": "Chỉ dữ liệu lưu trữ dài hạn",
                      "FORM_FILLING": "Chỉ điền biểu mẫu (số, ngày)", "ANNOTATIONS": "Chú thích", "OTHER": "Thay đổi khác"}


@dataclass
class FileVerdicts:
    file: DocumentFile
    verdicts: list[dict]


def expected_signature_fields(document: Document) -> tuple[str, ...]:
    """The signature fields the main file must hold: both, once issued here (or delivered from here)."""
    issued_here = document.direction == "outgoing" and document.registered_at is not None
    return ISSUED_SIGNATURE_FIELDS if issued_here or document.source_document_id is not None else ()


@lru_cache(maxsize=4096)
def _active(files_dir: str, sha256: str) -> bool:
    # Keyed by content hash: a stored file never changes, so the answer never goes stale.
    return has_active_content(path_for(Path(files_dir), sha256).read_bytes())


def file_is_active(file: DocumentFile) -> bool:
    """True when the PDF holds JavaScript or automatic actions: it is then never shown inline."""
    return _active(str(current_app.config["FILES_DIR"]), file.sha256)


def active_files(document: Document) -> list[DocumentFile]:
    """The document's files that hold JavaScript or automatic actions (the page warns about them)."""
    return [file for file in document.files if file_is_active(file)]


def verify_files(document: Document, actor, roles=("main", "attachment")) -> list[FileVerdicts]:
    """Validate every signature of the files in `roles` now; audited (who, which verdicts)."""
    config = current_app.config
    trust = {"trust_roots": trust_roots_from_config(config), "crls": crls_from_config(config)}
    files = [f for f in document.files if f.role in roles]
    checked = []
    for file in sorted(files, key=lambda f: (f.role != "main", f.position)):
        pdf = path_for(Path(config["FILES_DIR"]), file.sha256).read_bytes()
        expected = expected_signature_fields(document) if file.role == "main" else ()
        checked.append(FileVerdicts(file, [v.as_data() for v in validate_pdf_signatures(
            pdf, **trust, expected_fields=expected)]))
    record("signatures_verified", actor=actor, subject=("document", str(document.id)), agency_id=document.agency_id,
           files=[{"sha256": c.file.sha256, "verdicts": [(v["field_name"], v["verdict"]) for v in c.verdicts]}
                  for c in checked])
    return checked


def verify_signatures(document: Document, actor) -> list[dict]:
    """The main file's verdicts now (the document page's "Kiểm tra lại")."""
    return next((c.verdicts for c in verify_files(document, actor, roles=("main",))), [])


def report_rows(checked: list[FileVerdicts]) -> list[dict]:
    rows = []
    for item in checked:
        for verdict in item.verdicts or [{}]:
            rows.append({
                "file": item.file.name, "field": signature_role(verdict) if verdict else "(không có chữ ký)",
                "verdict": str(VERDICT_LABELS[verdict["verdict"]]) if verdict else "",
                "signer": verdict.get("signer_name") or "", "organisation": verdict.get("signer_organisation") or "",
                "signing_time": format_iso_datetime(verdict.get("signing_time"), seconds=True),
                "timestamp_time": format_iso_datetime(verdict.get("timestamp_time"), seconds=True),
                "coverage": COVERAGE_WORDS.get(verdict.get("coverage"), verdict.get("coverage") or ""),
                "modification": MODIFICATION_WORDS.get(verdict.get("modification_level"),
                                                       verdict.get("modification_level") or ""),
                "anchor": verdict.get("trust_anchor") or "", "reason": verdict.get("reason") or "",
            })
    return rows
