"""The hand-over papers of a preservation package — Mục lục hồ sơ nộp lưu and Biên bản giao nhận — as PDF in
the Decree 30 layout, signed with the agency's seal key like the monthly reports; and `build_package`, which
puts them with the dossiers into the package (app.dossiers.package)."""
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _

from app.rendering.formats import format_date
from app.rendering.jinja import environment_renderer
from app.signing.keystore import KeyRefused, agency_key
from app.signing.pades import sign_pdf
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import crls_from_config
from app.vietnam_time import VIETNAM

from .package import (
    Collected,
    PackageRefused,
    collect,
    package_id_for,
    preservation_copies,
    record_packaged,
    write_package,
)

TEMPLATE = "print/dossier_handover.html"
SIGNATURE_FIELD = "CoQuanGiao"
LIST_NAME, RECORD_NAME = "muc-luc-ho-so-nop-luu.pdf", "bien-ban-giao-nhan.pdf"
DEFAULT_RECEIVER = "Lưu trữ cơ quan"
RECEIVER_MAX = 200


@dataclass(frozen=True)
class Built:
    package_id: str
    dossier_count: int
    document_count: int
    file_count: int  # the originals
    copy_count: int  # their PDF/A preservation copies (representations/preservation)


def _counts(collected: Collected, copies: dict) -> tuple[int, int, int, int]:
    """Dossiers, documents, original files and PDF/A copies: the package's own numbers (`copies`: its
    PRESERVATION representation, package.preservation_copies)."""
    documents = [document for rows in collected.documents.values() for _p, document in rows]
    files = [f for document in documents for f in document.files]
    return len(collected.dossiers), len(documents), len(files), sum(1 for f in files if f.id in copies)


def handover_html(collected: Collected, kind: str, *, package_id: str, place: str, issued_on, giver: str,
                  receiver: str, copies: dict) -> str:
    rows = []
    for position, dossier in enumerate(collected.dossiers, 1):
        documents = collected.documents[dossier.id]
        dates = [document.document_date for _p, document in documents if document.document_date]
        rows.append({"position": position, "code": dossier.code, "title": dossier.title,
                     "start": format_date(min(dates)) if dates else "", "end": format_date(max(dates)) if dates else "",
                     "retention": dossier.retention.name, "documents": len(documents),
                     "files": sum(len(document.files) for _p, document in documents),
                     "copies": sum(1 for _p, document in documents for f in document.files if f.id in copies),
                     "note": dossier.note or ""})
    dossier_count, document_count, file_count, copy_count = _counts(collected, copies)
    agency = collected.agency
    return environment_renderer()(
        TEMPLATE, kind=kind, agency_name=agency.name, parent_agency=agency.parent.name if agency.parent else None,
        place=place, issued_on=issued_on, package_id=package_id, rows=rows, dossier_count=dossier_count,
        document_count=document_count, file_count=file_count, copy_count=copy_count, giver=giver, receiver=receiver)


def signed_handover(collected: Collected, *, package_id: str, config, now: datetime, giver: str,
                    receiver: str) -> list[tuple[str, bytes]]:
    """The two papers rendered and signed with the agency's key; PackageRefused when it has none usable."""
    from app.rendering.pdf import render_pdf  # WeasyPrint only for those who package

    issued_on = now.astimezone(VIETNAM).date()
    copies = preservation_copies(collected)
    papers = []
    try:
        with agency_key(collected.agency.id, config, crls=crls_from_config(config), now=now) as (_row, credentials):
            for kind, name, reason in (("list", LIST_NAME, "Mục lục hồ sơ nộp lưu"),
                                       ("record", RECORD_NAME, "Biên bản giao nhận tài liệu")):
                html = handover_html(collected, kind, package_id=package_id, place=config["DOCUMENT_PLACE_NAME"],
                                     issued_on=issued_on, giver=giver, receiver=receiver, copies=copies)
                papers.append((name, sign_pdf(render_pdf(html), credentials, field_name=SIGNATURE_FIELD,
                                              reason=f"{reason} {package_id}",
                                              timestamper=timestamper_from_config(config))))
    except KeyRefused as refused:
        raise PackageRefused(refused.message) from refused
    return papers


def read_receiver(receiver: str | None) -> str:
    receiver = (receiver or "").strip() or DEFAULT_RECEIVER
    if len(receiver) > RECEIVER_MAX or not receiver.isprintable():
        raise PackageRefused(_("Tên bên nhận không hợp lệ (tối đa %(n)s ký tự).", n=RECEIVER_MAX))
    return receiver


def build_package(agency_code: str, codes: list[str], out: Path, *, actor=None, config, now: datetime,
                  receiver: str | None = None) -> Built:
    """Check, gather, sign the hand-over papers, write the ZIP at `out`, and record the packaging in the
    audit chain (the caller commits); PackageRefused for anything a person can fix, nothing left behind."""
    receiver = read_receiver(receiver)
    collected = collect(agency_code, codes, actor=actor)
    package_id = package_id_for(collected.agency, now)
    giver = actor.full_name if actor is not None else _("Văn thư cơ quan")
    papers = signed_handover(collected, package_id=package_id, config=config, now=now, giver=giver,
                             receiver=receiver)
    write_package(collected, out, package_id=package_id, files_dir=Path(config["FILES_DIR"]), now=now,
                  documentation=papers)
    record_packaged(collected, package_id, actor=actor, now=now)
    return Built(package_id, *_counts(collected, preservation_copies(collected)))
