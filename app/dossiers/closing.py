"""Đóng hồ sơ: freeze a dossier, keep a PDF/A copy of each of its files beside the original, audit it all;
and the legal-hold switch (Giữ theo yêu cầu pháp lý).

A closed dossier is never reopened: editing and filing already refuse it (services, filing), and Decree 30
hands a closed dossier over as it is. Who closes and holds: the agency's clerks and leaders.

Closing runs in two transactions' time, never one long one: the files are read and converted with no
transaction open (stored files are immutable), then one short transaction marks the dossier closed — an
UPDATE … WHERE status = 'open', so of two clicks one wins and the other is told — and writes the copies'
rows. If that transaction fails, the copies it would have named are removed from the store.
"""
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.audit.services import record
from app.documents.models import DocumentFile
from app.extensions import db
from app.sqltypes import utcnow

from . import preservation
from .models import CLOSED, OPEN, Dossier, DossierDocument
from .preservation import Converted, PreservationCopy
from .services import DossierRefused, keeps_list_of

REASON_MAX = 500


@dataclass
class ClosingResult:
    dossier_id: int
    documents: int
    converted: int  # new PDF/A copies made by this closing
    failures: list[tuple[str, str]]  # (file name, Vietnamese reason)


class ConverterUnavailable(DossierRefused):
    """The server cannot make PDF/A copies now (Ghostscript missing): nothing is wrong with the dossier, which
    stays open; the API answers 503, the page shows the reason."""


def _refuse(message: str) -> DossierRefused:
    return DossierRefused({"__form__": message})


def check_closable(dossier: Dossier, *, actor) -> int:
    """Refuse what cannot be closed now; the number of documents filed otherwise."""
    if not keeps_list_of(dossier, actor):
        raise _refuse(_("Chỉ văn thư và lãnh đạo cơ quan đóng hồ sơ của cơ quan mình."))
    if not dossier.is_open:
        raise _refuse(_("Hồ sơ đã đóng; hồ sơ đã đóng không mở lại được."))
    count = db.session.scalar(select(func.count()).select_from(DossierDocument)
                              .where(DossierDocument.dossier_id == dossier.id)) or 0
    if count == 0:
        raise _refuse(_("Hồ sơ chưa có văn bản nào, không đóng được. Lưu văn bản vào hồ sơ trước khi đóng."))
    return count


def files_needing_copies(dossier_id: int) -> list[tuple[int, str, str]]:
    """(file id, sha256, name) of the dossier's PDF files that have no preservation row yet."""
    rows = db.session.execute(
        select(DocumentFile.id, DocumentFile.sha256, DocumentFile.name)
        .join(DossierDocument, DossierDocument.document_id == DocumentFile.document_id)
        .outerjoin(PreservationCopy, PreservationCopy.document_file_id == DocumentFile.id)
        .where(DossierDocument.dossier_id == dossier_id, PreservationCopy.id.is_(None),
               DocumentFile.content_type == "application/pdf")
        .order_by(DossierDocument.position, DocumentFile.position, DocumentFile.id)).all()
    return [(row[0], row[1], row[2]) for row in rows]


def close_dossier(dossier: Dossier, converted: list[Converted], *, actor) -> ClosingResult:
    """Mark the dossier closed and link the copies converted beforehand (`convert_files`); flushes."""
    documents = check_closable(dossier, actor=actor)
    closed_at = utcnow()
    won = db.session.execute(update(Dossier).where(Dossier.id == dossier.id, Dossier.status == OPEN)
                             .values(status=CLOSED, closed_at=closed_at).execution_options(synchronize_session=False))
    if won.rowcount != 1:
        raise _refuse(_("Hồ sơ vừa được người khác đóng; hồ sơ đã đóng không mở lại được."))
    db.session.refresh(dossier)
    by_source = {item.source_sha256: item for item in converted}
    pending = files_needing_copies(dossier.id)  # now that no one can file into it any more
    if any(sha256 not in by_source for _id, sha256, _name in pending):
        raise _refuse(_("Hồ sơ vừa có thêm văn bản trong lúc chuyển đổi sang PDF/A. Bấm \"Đóng hồ sơ\" lần nữa."))
    failures = []
    for file_id, sha256, name in pending:
        item = by_source[sha256]
        db.session.add(PreservationCopy(document_file_id=file_id, source_sha256=sha256, pdfa_sha256=item.pdfa_sha256,
                                        pdfa_size=item.pdfa_size, converter=item.converter, failure=item.failure,
                                        made_at=closed_at, dossier_id=dossier.id))
        if item.failure:
            failures.append((name, item.failure))
    db.session.flush()
    record("dossier_closed", actor=actor, subject=dossier, agency_id=dossier.agency_id, documents=documents,
           preservation_copies=[{"document_file_id": file_id, "source_sha256": sha256,
                                 "pdfa_sha256": by_source[sha256].pdfa_sha256,
                                 "failure": by_source[sha256].failure} for file_id, sha256, _name in pending])
    return ClosingResult(dossier.id, documents, sum(1 for _id, sha, _name in pending if by_source[sha].pdfa_sha256),
                         failures)


def run_closing(dossier: Dossier, *, actor, files_dir: Path, workers: int | None = None) -> ClosingResult:
    """The whole closing as a unit of work (web, CLI, bench): check, convert outside a transaction, commit.

    A boundary, like a job: it ends the caller's read transaction before converting and commits at the
    end; on any failure it rolls back and removes the copies it stored.
    """
    check_closable(dossier, actor=actor)
    dossier_id = dossier.id
    sources = [sha256 for _id, sha256, _name in files_needing_copies(dossier_id)]
    db.session.rollback()  # nothing written yet; no transaction stays open while Ghostscript works
    try:
        converted = preservation.convert_files(sources, files_dir, workers=workers)
    except preservation.ConverterMissing as missing:
        raise ConverterUnavailable({"__form__": _(
            "Chưa đóng được hồ sơ: %(reason)s Hồ sơ vẫn đang lập; đóng lại sau khi quản trị hệ thống cài đặt "
            "Ghostscript.", reason=str(missing))}) from missing
    try:
        result = close_dossier(db.session.get(Dossier, dossier_id), converted, actor=actor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        preservation.discard(converted, files_dir)
        raise
    return result


def set_legal_hold(dossier: Dossier, *, actor, hold: bool, reason: str) -> Dossier:
    """Put a dossier under legal hold, or lift it, with the reason; open or closed dossiers alike."""
    if not keeps_list_of(dossier, actor):
        raise _refuse(_("Chỉ văn thư và lãnh đạo cơ quan đặt giữ hồ sơ theo yêu cầu pháp lý."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise DossierRefused({"reason": _("Nhập lý do (văn bản, yêu cầu của cơ quan có thẩm quyền).")})
    if len(reason) > REASON_MAX:
        raise DossierRefused({"reason": _("Lý do tối đa %(n)s ký tự.", n=REASON_MAX)})
    if dossier.legal_hold == hold:
        raise _refuse(_("Hồ sơ đang được giữ theo yêu cầu pháp lý.") if hold
                      else _("Hồ sơ không ở trạng thái giữ theo yêu cầu pháp lý."))
    dossier.legal_hold = hold
    db.session.flush()
    record("dossier_legal_hold_set" if hold else "dossier_legal_hold_lifted", actor=actor, subject=dossier,
           agency_id=dossier.agency_id, reason=reason)
    return dossier


def preservation_summary(dossier: Dossier) -> dict:
    """For the dossier page: copies made and the files that could not be converted, with the reasons."""
    rows = db.session.execute(
        select(PreservationCopy.pdfa_sha256, PreservationCopy.failure, DocumentFile.name, DossierDocument.position)
        .join(DocumentFile, DocumentFile.id == PreservationCopy.document_file_id)
        .join(DossierDocument, DossierDocument.document_id == DocumentFile.document_id)
        .where(DossierDocument.dossier_id == dossier.id)
        .order_by(DossierDocument.position, DocumentFile.position)).all()
    return {"copies": sum(1 for row in rows if row[0]),
            "failures": [(row[3], row[2], row[1]) for row in rows if row[1]]}
