"""Xuất hồ sơ (Decree 30, Phụ lục VI, 4g): a dossier as one PDF and one XML, in a ZIP, in chronological order.

The PDF: a cover page (mã hồ sơ, title, years, retention, number of documents), the Mục lục văn bản, then
each document's files — the PDF/A preservation copy where closing made one, otherwise the stored
original — documents ordered by their date, then by số thứ tự. The XML (UTF-8) describes the same:

    <HoSo xmlns="urn:lienthong:ho-so:1" phienBan="1">
      <MaHoSo/> <CoQuan ma="…">name</CoQuan> <Nam/> <KyHieu/> <TieuDe/>
      <ThoiHanBaoQuan soNam="10|">name</ThoiHanBaoQuan> <CheDoSuDung ma="public|restricted|secret"/>
      <TrangThai ma="open|closed" ngayDong="ISO 8601|"/> <GiuTheoYeuCauPhapLy>true|false</GiuTheoYeuCauPhapLy>
      <ThoiGian batDau="YYYY-MM-DD" ketThuc="YYYY-MM-DD"/> <SoLuongVanBan/>
      <VanBan thuTu="1…" stt="số thứ tự in the dossier" id="document id">   (repeated, in export order)
        <SoKyHieu/> <NgayVanBan>YYYY-MM-DD</NgayVanBan> <LoaiVanBan/> <TacGia/> <TrichYeu/>
        <DoMat ma="0-3"/> <SoTrang/> <TrangTrongPdf tu="n" den="m"/>
        <Tep vaiTro="main|attachment" ten="…" sha256="…" kichThuoc="bytes">     (repeated)
          <BanBaoQuan dinhDang="PDF/A-2b" sha256="…" kichThuoc="…"/>  or  <KhongChuyenDoi lyDo="…"/>
        </Tep>
      </VanBan>
    </HoSo>

Who may export: whoever sees the dossier and may read every document in it (app.documents.access, the
single rule); a dossier holding a secret document the person may not read is refused, never exported
with gaps.
"""
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.documents.access import hidden_document_ids, reads_documents
from app.documents.models import Document
from app.documents.vocabulary import SECRECY_LABELS
from app.extensions import db
from app.filestore import path_for
from app.rendering.formats import format_date

from .forms import ACCESS_LABELS, STATUS_LABELS
from .models import Dossier, DossierDocument
from .preservation import PreservationCopy
from .services import DossierRefused

NAMESPACE = "urn:lienthong:ho-so:1"


@dataclass
class DossierExport:
    filename: str
    data: bytes


def _documents(dossier: Dossier) -> list[tuple[int, Document]]:
    rows = db.session.execute(select(DossierDocument.position, Document).join(
        Document, Document.id == DossierDocument.document_id).where(DossierDocument.dossier_id == dossier.id)
        .options(selectinload(Document.files)).order_by(Document.document_date, DossierDocument.position)).all()
    return [(row[0], row[1]) for row in rows]


def _check_readable(documents: list[tuple[int, Document]], actor) -> None:
    if not reads_documents(actor):
        raise DossierRefused({"__form__": _("Bạn không có quyền xem văn bản, không xuất được hồ sơ.")})
    hidden = hidden_document_ids(actor, {str(document.id) for _position, document in documents})
    if hidden:
        raise DossierRefused({"__form__": _(
            "Hồ sơ có %(n)s văn bản mật bạn không được đọc, nên không xuất được hồ sơ. Người được đọc văn bản "
            "mật của cơ quan xuất hồ sơ này.", n=len(hidden))})


def export_dossier(dossier: Dossier, *, actor, files_dir: Path) -> DossierExport:
    """The ZIP of the dossier's PDF and XML, for an actor who may read all of it; the export is audited."""
    documents = _documents(dossier)
    _check_readable(documents, actor)
    file_ids = [f.id for _position, document in documents for f in document.files]
    copies = {copy.document_file_id: copy for copy in db.session.scalars(
        select(PreservationCopy).where(PreservationCopy.document_file_id.in_(file_ids)))} if file_ids else {}
    pdf, page_ranges = _pdf(dossier, documents, copies, Path(files_dir))
    xml = _xml(dossier, documents, copies, page_ranges)
    archive = io.BytesIO()
    stem = f"ho-so-{dossier.code}".replace("/", "-")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{stem}.pdf", pdf)
        zipped.writestr(f"{stem}.xml", xml)
    record("dossier_exported", actor=actor, subject=dossier, agency_id=dossier.agency_id,
           documents=[document.id for _position, document in documents])
    return DossierExport(f"{stem}.zip", archive.getvalue())


def _years(dossier: Dossier, documents) -> tuple[str, str, str]:
    if not documents:
        return str(dossier.year), "", ""
    first, last = documents[0][1].document_date, documents[-1][1].document_date
    years = str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    return years, first.isoformat(), last.isoformat()


def _cover(dossier: Dossier, documents) -> bytes:
    from app.rendering.pdf import render_pdf  # WeasyPrint is imported only when an export is made

    rows = [{"order": n, "symbol": document.symbol, "date": format_date(document.document_date),
             "author": document.issuer_name, "subject": document.subject, "pages": document.page_count or ""}
            for n, (_position, document) in enumerate(documents, 1)]
    html = render_template("print/dossier_export.html", code=dossier.code, title=dossier.title,
                           agency_name=dossier.agency.name, years=_years(dossier, documents)[0],
                           retention=dossier.retention.name, access=str(ACCESS_LABELS[dossier.access]),
                           status=str(STATUS_LABELS[dossier.status]), rows=rows)
    return render_pdf(html)


def _pdf(dossier: Dossier, documents, copies: dict, files_dir: Path) -> tuple[bytes, dict]:
    """The cover, the Mục lục, then every file in order; the pages each document occupies."""
    ranges = {}
    with pikepdf.open(io.BytesIO(_cover(dossier, documents))) as merged:
        for _position, document in documents:
            start = len(merged.pages) + 1
            for stored in document.files:
                if stored.content_type != "application/pdf":
                    continue
                copy = copies.get(stored.id)
                sha256 = copy.pdfa_sha256 if copy is not None and copy.pdfa_sha256 else stored.sha256
                try:
                    with pikepdf.open(path_for(files_dir, sha256)) as part:
                        merged.pages.extend(part.pages)
                except (pikepdf.PdfError, pikepdf.PasswordError, OSError) as unreadable:
                    raise DossierRefused({"__form__": _(
                        "Không đọc được tệp %(name)s của văn bản %(symbol)s, không xuất được hồ sơ.",
                        name=stored.name, symbol=document.symbol)}) from unreadable
            ranges[document.id] = (start, len(merged.pages)) if len(merged.pages) >= start else None
        out = io.BytesIO()
        merged.save(out)
    return out.getvalue(), ranges


def _xml(dossier: Dossier, documents, copies: dict, page_ranges: dict) -> bytes:
    ET.register_namespace("", NAMESPACE)

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", {k: str(v) for k, v in attributes.items()})
        if text is not None:
            element.text = str(text)
        return element

    root = ET.Element(f"{{{NAMESPACE}}}HoSo", {"phienBan": "1"})
    add(root, "MaHoSo", dossier.code)
    add(root, "CoQuan", dossier.agency.name, ma=dossier.agency.code)
    add(root, "Nam", dossier.year)
    add(root, "KyHieu", dossier.notation)
    add(root, "TieuDe", dossier.title)
    add(root, "ThoiHanBaoQuan", dossier.retention.name, soNam=dossier.retention.years or "")
    add(root, "CheDoSuDung", ACCESS_LABELS[dossier.access], ma=dossier.access)
    add(root, "TrangThai", STATUS_LABELS[dossier.status], ma=dossier.status,
        ngayDong=dossier.closed_at.isoformat() if dossier.closed_at else "")
    add(root, "GiuTheoYeuCauPhapLy", "true" if dossier.legal_hold else "false")
    _years_text, start, end = _years(dossier, documents)
    add(root, "ThoiGian", batDau=start, ketThuc=end)
    add(root, "SoLuongVanBan", len(documents))
    for n, (position, document) in enumerate(documents, 1):
        item = add(root, "VanBan", thuTu=n, stt=position, id=document.id)
        add(item, "SoKyHieu", document.symbol)
        add(item, "NgayVanBan", document.document_date.isoformat())
        add(item, "LoaiVanBan", document.doc_type)
        add(item, "TacGia", document.issuer_name)
        add(item, "TrichYeu", document.subject)
        add(item, "DoMat", SECRECY_LABELS[document.secrecy], ma=document.secrecy)
        add(item, "SoTrang", document.page_count or "")
        if page_ranges.get(document.id):
            first, last = page_ranges[document.id]
            add(item, "TrangTrongPdf", tu=first, den=last)
        for stored in document.files:
            element = add(item, "Tep", vaiTro=stored.role, ten=stored.name, sha256=stored.sha256, kichThuoc=stored.size)
            copy = copies.get(stored.id)
            if copy is not None and copy.pdfa_sha256:
                add(element, "BanBaoQuan", dinhDang="PDF/A-2b", sha256=copy.pdfa_sha256, kichThuoc=copy.pdfa_size)
            elif copy is not None:
                add(element, "KhongChuyenDoi", lyDo=copy.failure or "")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
