"""Gói hồ sơ nộp lưu: closed dossiers of one agency as a ZIP with METS.xml at its root (package_mets), the
files of each document under representations/<name>/data/, and the signed Mục lục hồ sơ nộp lưu and Biên
bản giao nhận under documentation/.

Fixity comes from the file store: a stored file's name is its SHA-256, and every byte copied into the
package is hashed again on the way; a file missing from the store or whose bytes no longer give its name
stops the build (the package would otherwise certify a damaged file).

Who builds one: the agency's clerks and leaders (keeps_dossiers), of their own agency's closed dossiers;
the command line as the installation's operator, or as a named person. A secret document is packaged
whole or the package is refused: only someone who may read it (app.documents.access) packages its dossier,
because an archive package that silently leaves a document out is worse than none. Its dmdSec carries its
độ mật, so the archive keeps the restriction.

No orphan files: the ZIP is written beside its destination under a temporary name and renamed only when
complete; any failure removes it.
"""
import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent, names_instances
from app.audit.services import record
from app.directory.models import Agency, User
from app.documents.access import visible_documents
from app.documents.case_subject import SUBJECT_TYPE
from app.documents.models import Document
from app.extensions import db
from app.filestore import CHUNK, StoredFile, path_for

from .models import CLOSED, Dossier, DossierDocument
from .package_mets import DocumentEntry, DossierEntry, Event, PackageFile, build_mets
from .preservation import PreservationCopy
from .services import keeps_dossiers

MAX_DOSSIERS = 200
CODE_MAX = 80
ORIGINAL = "original"
PRESERVATION = "preservation"  # the PDF/A-2b copies made when the dossier closed (app.dossiers.preservation)
ACCESS_NAMES = {"public": "Công khai", "restricted": "Hạn chế", "secret": "Mật"}


class PackageRefused(ValueError):
    """A package that cannot be built, with the reason for people (Vietnamese)."""


@dataclass
class Collected:
    agency: Agency
    dossiers: list[Dossier]
    documents: dict[int, list[tuple[int, Document]]]  # dossier id -> [(position, document)]


def read_codes(codes: list[str]) -> list[str]:
    """The dossier codes asked for, checked for size and characters; PackageRefused otherwise."""
    cleaned = list(dict.fromkeys((code or "").strip() for code in codes))
    if not cleaned or cleaned == [""]:
        raise PackageRefused(_("Chọn ít nhất một hồ sơ."))
    if len(cleaned) > MAX_DOSSIERS:
        raise PackageRefused(_("Một gói nộp lưu có tối đa %(n)s hồ sơ.", n=MAX_DOSSIERS))
    for code in cleaned:
        if not code or len(code) > CODE_MAX or not code.isprintable():
            raise PackageRefused(_("Mã hồ sơ không hợp lệ."))
    return cleaned


def collect(agency_code: str, codes: list[str], *, actor=None) -> Collected:
    """The agency's closed dossiers named by `codes`, with their documents; PackageRefused otherwise."""
    agency_code = (agency_code or "").strip()
    if not agency_code or len(agency_code) > 13 or not agency_code.isprintable():
        raise PackageRefused(_("Mã định danh cơ quan không hợp lệ."))
    agency = db.session.scalars(select(Agency).where(Agency.code == agency_code)).first()
    if agency is None:
        raise PackageRefused(_("Không có cơ quan mã %(code)s.", code=agency_code))
    if actor is not None and not (keeps_dossiers(actor) and actor.agency_id == agency.id):
        raise PackageRefused(_("Chỉ văn thư, lãnh đạo của cơ quan lập gói nộp lưu hồ sơ của cơ quan mình."))
    wanted = read_codes(codes)
    dossiers = db.session.scalars(select(Dossier).where(Dossier.agency_id == agency.id)
                                  .options(selectinload(Dossier.retention))).all()
    by_code = {dossier.code: dossier for dossier in dossiers}
    chosen = []
    for code in wanted:
        dossier = by_code.get(code)
        if dossier is None:
            raise PackageRefused(_("Cơ quan %(agency)s không có hồ sơ mã %(code)s.", agency=agency.code, code=code))
        if dossier.status != CLOSED:
            raise PackageRefused(_("Hồ sơ %(code)s chưa đóng; chỉ nộp lưu hồ sơ đã đóng.", code=code))
        chosen.append(dossier)
    rows = db.session.execute(select(DossierDocument.dossier_id, DossierDocument.position, Document)
                              .join(Document, Document.id == DossierDocument.document_id)
                              .where(DossierDocument.dossier_id.in_([d.id for d in chosen]))
                              .options(selectinload(Document.files))
                              .order_by(DossierDocument.dossier_id, DossierDocument.position)).all()
    documents: dict[int, list] = {d.id: [] for d in chosen}
    for dossier_id, position, document in rows:
        documents[dossier_id].append((position, document))
    _check_secret(chosen, documents, actor)
    return Collected(agency, chosen, documents)


def _check_secret(dossiers, documents, actor) -> None:
    secret = {document.id for rows in documents.values() for _p, document in rows if document.secrecy > 0}
    if not secret:
        return
    readable = set()
    if actor is not None:
        readable = set(db.session.scalars(visible_documents(actor, select(Document.id).where(
            Document.id.in_(sorted(secret))))))
    if secret - readable:
        codes = ", ".join(d.code for d in dossiers if any(doc.id in secret - readable for _p, doc in documents[d.id]))
        raise PackageRefused(_("Hồ sơ %(codes)s có văn bản mật mà người lập gói không được đọc; gói nộp lưu "
                               "phải do người được đọc văn bản mật lập.", codes=codes))


def representation_files(representation: str, folder: str, entries: list[tuple[str, StoredFile]], *,
                         numbers: list[int] | None = None) -> list[PackageFile]:
    """The files of one document in one representation (ORIGINAL, or PRESERVATION for the PDF/A copies),
    from its (role, stored file) list, named by their place in the package (`numbers`: each file's number,
    so a copy carries its original's; 1, 2, … otherwise)."""
    files = []
    for number, (role, stored) in zip(numbers or range(1, len(entries) + 1), entries):
        extension = os.path.splitext(stored.name)[1].lower() or ".bin"
        file_id = f"f-{representation}-{folder.replace('/', '-')}-{number}"
        files.append(PackageFile(file_id=file_id,
                                 path=f"representations/{representation}/data/{folder}/{number:02d}-{role}{extension}",
                                 sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                                 original_name=stored.name, use=f"Representations/{representation}"))
    return files


def _events(collected: Collected) -> tuple[dict, dict, dict[str, str]]:
    """Audit events of each dossier and document (by id) — the document's own, its filing, and its process
    history (the instance and its tasks, as app.workflow.history reads them) — and the people acting."""
    documents = [document for rows in collected.documents.values() for _p, document in rows]
    by_instance: dict[int, list[int]] = {}
    for document in documents:
        if document.instance_id is not None:
            by_instance.setdefault(document.instance_id, []).append(document.id)
    conditions = [and_(AuditEvent.subject_type == "dossier",
                       AuditEvent.subject_id.in_(sorted(str(d.id) for d in collected.dossiers)))]
    if documents:
        conditions.append(and_(AuditEvent.subject_type == SUBJECT_TYPE,
                               AuditEvent.subject_id.in_(sorted({str(d.id) for d in documents}))))
    if by_instance:
        conditions.append(and_(AuditEvent.subject_type == "process_instance",
                               AuditEvent.subject_id.in_(sorted(str(i) for i in by_instance))))
        conditions.append(names_instances(sorted(by_instance)))
    rows = db.session.execute(select(AuditEvent, User.username, User.full_name)
                              .outerjoin(User, User.id == AuditEvent.actor_id)
                              .where(or_(*conditions)).order_by(AuditEvent.seq)).all()
    of_dossier, of_document, agents = {}, {}, {}
    for event, username, full_name in rows:
        if username:
            agents[username] = full_name
        entry, data = (event, username), event.data or {}
        if event.subject_type == "dossier":
            of_dossier.setdefault(int(event.subject_id), []).append(entry)
            if event.event_type == "document_filed" and data.get("document_id") is not None:
                of_document.setdefault(int(data["document_id"]), []).append(entry)
        elif event.subject_type == SUBJECT_TYPE:
            of_document.setdefault(int(event.subject_id), []).append(entry)
        else:
            instance_id = int(event.subject_id) if event.subject_type == "process_instance" else data.get("instance_id")
            for document_id in by_instance.get(instance_id, []):
                of_document.setdefault(document_id, []).append(entry)
    return of_dossier, of_document, agents


def _event(entry, object_id: str) -> Event:
    event, username = entry
    return Event(event.seq, event.event_type, event.occurred_at, event.hash, username, object_id)


def _dossier_fields(dossier: Dossier, rows) -> dict:
    dates = [document.document_date for _p, document in rows if document.document_date]
    return {"MaHoSo": dossier.code, "TieuDeHoSo": dossier.title, "CoQuanLapHoSo": dossier.agency.name,
            "MaDinhDanhCoQuan": dossier.agency.code, "ThoiHanLuuTru": dossier.retention.name,
            "CheDoSuDung": ACCESS_NAMES.get(dossier.access, dossier.access),
            "MucDoTiepCan": ACCESS_NAMES.get(dossier.access, dossier.access), "NgonNgu": "Tiếng Việt",
            "ThoiGianBatDau": min(dates) if dates else None, "ThoiGianKetThuc": max(dates) if dates else None,
            "NgayDongHoSo": dossier.closed_at, "TongSoTaiLieu": len(rows),
            "SoLuongTrang": sum(document.page_count or 0 for _p, document in rows), "GhiChu": dossier.note or None}


def _document_fields(dossier: Dossier, position: int, document: Document) -> dict:
    return {"MaHoSo": dossier.code, "SoThuTu": position, "TenLoai": document.doc_type, "SoKyHieu": document.symbol,
            "NgayThangNam": document.document_date, "CoQuanBanHanh": document.issuer_name,
            "TrichYeu": document.subject, "NguoiKy": document.signer_name or "", "DoMat": document.secrecy,
            "SoTrang": document.page_count or 0, "NgonNgu": "Tiếng Việt"}


def preservation_copies(collected: Collected) -> dict[int, PreservationCopy]:
    """The PDF/A copies of the documents' files, by document file id (files that were converted only)."""
    file_ids = sorted({f.id for rows in collected.documents.values() for _p, document in rows for f in document.files})
    if not file_ids:
        return {}
    return {copy.document_file_id: copy for copy in db.session.scalars(select(PreservationCopy).where(
        PreservationCopy.document_file_id.in_(file_ids), PreservationCopy.pdfa_sha256.is_not(None)))}


def _preservation_files(folder: str, files, originals: list[PackageFile], copies) -> list[PackageFile]:
    """The PRESERVATION representation: each converted file's copy, numbered as its original, linked to it."""
    numbered = [(number, f, original) for number, (f, original) in enumerate(zip(files, originals), 1)
                if f.id in copies]
    stored = [(f.role, StoredFile(copies[f.id].pdfa_sha256, copies[f.id].pdfa_size,
                                  f"{os.path.splitext(f.name)[0]}.pdfa.pdf", "application/pdf"))
              for _n, f, _o in numbered]
    made = representation_files(PRESERVATION, folder, stored, numbers=[n for n, _f, _o in numbered])
    return [replace(item, derived_from=original.path, converter=copies[f.id].converter,
                    migrated_at=copies[f.id].made_at) for item, (_n, f, original) in zip(made, numbered)]


def entries_of(collected: Collected) -> tuple[list[DossierEntry], dict[str, str]]:
    """The dossiers as METS entries: the ORIGINAL representation of each document's stored files, and the
    PRESERVATION representation of their PDF/A copies."""
    of_dossier, of_document, agents = _events(collected)
    copies = preservation_copies(collected)
    entries = []
    for index, dossier in enumerate(collected.dossiers, 1):
        rows = collected.documents[dossier.id]
        entry = DossierEntry(f"dmd-hs-{index}", dossier.code, _dossier_fields(dossier, rows),
                             events=[_event(e, dossier.code) for e in of_dossier.get(dossier.id, [])])
        for position, document in rows:
            files = sorted(document.files, key=lambda f: (f.role != "main", f.position, f.id))
            folder = f"{dossier.code}/{position:04d}"
            originals = representation_files(ORIGINAL, folder, [
                (f.role, StoredFile(f.sha256, f.size, f.name, f.content_type)) for f in files])
            entry.documents.append(DocumentEntry(
                f"dmd-tl-{index}-{position}", position, _document_fields(dossier, position, document),
                files=originals + _preservation_files(folder, files, originals, copies),
                events=[_event(e, f"{dossier.code}/{position}") for e in of_document.get(document.id, [])]))
        entries.append(entry)
    return entries, agents


def _copy_checked(archive: zipfile.ZipFile, files_dir: Path, item: PackageFile) -> None:
    source = path_for(files_dir, item.sha256)
    if not source.is_file():
        raise PackageRefused(_("Tệp %(name)s (SHA-256 %(sha)s) không còn trong kho tệp.", name=item.original_name,
                               sha=item.sha256))
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as stream, archive.open(item.path, "w", force_zip64=True) as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    if digest.hexdigest() != item.sha256 or size != item.size:
        raise PackageRefused(_("Tệp %(name)s trong kho tệp đã bị thay đổi: SHA-256 không khớp với giá trị đã lưu.",
                               name=item.original_name))


def package_id_for(agency: Agency, now: datetime) -> str:
    return f"{agency.code}.NL.{now:%Y%m%d%H%M%S}"


def write_package(collected: Collected, out: Path, *, package_id: str, files_dir: Path, now: datetime,
                  documentation: list[tuple[str, bytes]] = ()) -> None:
    """Write the ZIP to `out` (replaced only when whole), METS OBJID `package_id`."""
    entries, agents = entries_of(collected)
    documents = [PackageFile(f"doc-{n}", f"documentation/{name}", hashlib.sha256(data).hexdigest(), len(data),
                             "application/pdf", name, "Documentation")
                 for n, (name, data) in enumerate(documentation, 1)]
    mets = build_mets(package_id=package_id, agency_name=collected.agency.name, agency_code=collected.agency.code,
                      created_at=now, dossiers=entries, documentation=documents, agents=agents)
    out = Path(out)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=".goi-nop-luu-", suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("METS.xml", mets)
            for entry in entries:
                for document in entry.documents:
                    for item in document.files:
                        _copy_checked(archive, Path(files_dir), item)
            for item, (_name, data) in zip(documents, documentation):
                archive.writestr(item.path, data)
        os.replace(temporary, out)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def record_packaged(collected: Collected, package_id: str, *, actor=None, now: datetime) -> None:
    """Building the package is the dossiers' hand-over (its Biên bản giao nhận is signed): recorded on each
    dossier and in the audit chain."""
    for dossier in collected.dossiers:
        dossier.handed_over_at, dossier.handover_package_id = now, package_id
        record("dossier_packaged", actor=actor, subject=dossier, agency_id=dossier.agency_id, package=package_id)
