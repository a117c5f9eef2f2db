"""The outgoing document as Decree 30 lays it out: the render context from the draft, and the cached PDF.

The PDF the signer signs is the preview everyone saw: number and date are empty form fields (filled
when the clerk issues it, see app.signing.visible). Rendering costs ~0.1 s, so it is cached by the
content hash of its context (and the template): the same draft renders once, whoever asks.
"""
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from flask import current_app

from app.directory.models import Agency
from app.documents.models import Document
from app.documents.vocabulary import DOCUMENT_TYPES
from app.filestore import StoredFile, path_for, store_pdf
from app.rendering.jinja import TEMPLATES_DIR, environment_renderer
from app.rendering.pdf import SignatureBlock, render_pdf_document, signature_block_position

from .models import OutgoingDraft

TEMPLATE = "print/official_letter.html"
URGENCY_MARKS = {1: "KHẨN", 2: "THƯỢNG KHẨN", 3: "HỎA TỐC"}
SECRECY_MARKS = {1: "MẬT", 2: "TỐI MẬT", 3: "TUYỆT MẬT"}
_ARTICLE = re.compile(r"^(Điều\s+\d+[a-z]?\.)\s*(.*)$")
MAX_RENDER_PDF_BYTES = 20 * 1024 * 1024


def notation_for(doc_type: str, agency: Agency, department_abbreviation: str = "") -> str:
    """Ký hiệu: type abbreviation + agency (15/QĐ-UBND); a công văn: agency + drafting unit (123/UBND-VP)."""
    type_abbreviation = DOCUMENT_TYPES.get(doc_type, ("", ""))[1]
    if type_abbreviation:
        return f"{type_abbreviation}-{agency.short_name}"
    return "-".join(part for part in (agency.short_name, department_abbreviation) if part)


def _is_heading(line: str) -> bool:
    """A short line in capitals, such as "QUYẾT ĐỊNH:" or "I. MỤC ĐÍCH, YÊU CẦU"."""
    return len(line) <= 80 and line == line.upper() and sum(c.isalpha() for c in line) >= 3


def body_paragraphs(body: str) -> list:
    """The body's lines as the template's paragraphs: "Điều N." articles and capitalised headings marked."""
    paragraphs = []
    for line in (line.strip() for line in body.splitlines()):
        if not line:
            continue
        article = _ARTICLE.match(line)
        if article:
            paragraphs.append({"lead": article.group(1), "text": article.group(2)})
        elif _is_heading(line):
            paragraphs.append({"heading": line})
        else:
            paragraphs.append(line)
    return paragraphs


def closing_recipient_lines(draft: OutgoingDraft, document: Document) -> list[str]:
    """"Nơi nhận:": "Như trên" for a công văn with Kính gửi, else the recipients; then extra lines, "Lưu: VT, …"."""
    names = [recipient.name for recipient in draft.recipients]
    lines = ["Như trên"] if document.doc_type == "CV" and names else names
    lines += [line for line in draft.extra_recipient_lines if line.strip()]
    unit = draft.department.abbreviation if draft.department else ""
    lines.append("Lưu: VT" + (f", {unit}" if unit else ""))
    return lines


def letter_title(document: Document, number: str) -> str:
    """The released PDF's Title, what viewers show and files are found by: "Quyết định số 15/QĐ-SNV"."""
    return f"{DOCUMENT_TYPES[document.doc_type][0]} số {number}/{document.notation}"


def letter_context(draft: OutgoingDraft, document: Document) -> dict:
    agency = document.agency
    signer = draft.signer
    authority = f"{draft.authority} {draft.authority_of}".strip() if draft.authority else None
    context = {
        "agency_name": agency.name.upper(),
        "symbol": document.notation,
        "place": current_app.config["DOCUMENT_PLACE_NAME"],
        "type_name": None if document.doc_type == "CV" else DOCUMENT_TYPES[document.doc_type][0].upper(),
        "subject": document.subject,
        "addressees": [r.name for r in draft.recipients] if document.doc_type == "CV" else [],
        "paragraphs": body_paragraphs(draft.body),
        "recipients": closing_recipient_lines(draft, document),
        "authority": authority.upper() if authority else None,
        "signer_position": (signer.job_title if signer else "").upper(),
        "signer_name": signer.full_name if signer else "",
        "urgency_mark": URGENCY_MARKS.get(document.urgency),
        "secrecy_mark": SECRECY_MARKS.get(document.secrecy),
        "number_fields": True,
    }
    if agency.parent is not None:
        context["parent_agency"] = agency.parent.name.upper()
    return context


@dataclass(frozen=True)
class RenderedLetter:
    file: StoredFile
    signature_block: SignatureBlock

    @property
    def path(self) -> Path:
        return path_for(Path(current_app.config["FILES_DIR"]), self.file.sha256)

    def pdf_bytes(self) -> bytes:
        return self.path.read_bytes()


TEMPLATE_FILES = (TEMPLATES_DIR / TEMPLATE, TEMPLATES_DIR / "print/base.html")


def _template_digest() -> str:
    """The templates' part of the cache key, read again only when a template file changes."""
    return _digest_of(tuple(path.stat().st_mtime_ns for path in TEMPLATE_FILES))


@cache
def _digest_of(_versions: tuple[int, ...]) -> str:
    return hashlib.sha256(b"\0".join(path.read_bytes() for path in TEMPLATE_FILES)).hexdigest()


def render_letter(draft: OutgoingDraft, document: Document) -> RenderedLetter:
    """The unsigned PDF of the draft (form fields for number and date), from the cache when unchanged."""
    context = letter_context(draft, document)
    key = hashlib.sha256((_template_digest() + json.dumps(context, sort_keys=True, ensure_ascii=False))
                         .encode()).hexdigest()
    files_dir = Path(current_app.config["FILES_DIR"])
    index = files_dir / "render-cache" / f"{key}.json"
    if index.exists():
        cached = json.loads(index.read_text())
        if path_for(files_dir, cached["sha256"]).exists():
            return RenderedLetter(StoredFile(cached["sha256"], cached["size"], cached["name"]),
                                  SignatureBlock(*cached["block"]))
    rendered = render_pdf_document(environment_renderer()(TEMPLATE, **context), pdf_forms=True)
    block = signature_block_position(rendered.document)
    stored = store_pdf(BytesIO(rendered.pdf), f"{document.doc_type}-{document.id}.pdf", files_dir=files_dir,
                       max_bytes=MAX_RENDER_PDF_BYTES)
    index.parent.mkdir(parents=True, exist_ok=True)
    temporary = index.with_suffix(".tmp")
    temporary.write_text(json.dumps({"sha256": stored.sha256, "size": stored.size, "name": stored.name,
                                     "block": list(block)}))
    temporary.replace(index)
    return RenderedLetter(stored, block)
