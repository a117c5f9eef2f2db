"""Bring an edXML document package in (files, the clerk's upload, the API; later the axis inbox).

The package is parsed with the safe, tolerant parser and its header signature checked; it is addressed
to the agency here that receives for its To code; its PDFs come in through documents.receiving like any
other document (status 01, the incoming process started, every PDF signature validated). The original
bytes are kept content-addressed beside the document, with each tolerated problem as a warning for the
clerk and the header signature's verdict. The same DocumentId from the same sender never makes a second
document at the same agency. A recall (BussinessDocType 1) or an update (2) asks the clerk about the
document it names.
A refusal leaves nothing behind: no row, no file.
"""
import io
import re
from dataclasses import asdict, dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.directory.models import Agency
from app.documents.metadata import DocumentRefused
from app.documents.models import DocumentLink
from app.documents.recall import ask_recipient_to_recall
from app.documents.receiving import receive_document
from app.documents.update import ask_recipient_to_update
from app.extensions import db
from app.filestore import UploadBatch, UploadRefused
from app.signing.validation import crls_from_config, trust_roots_from_config

from .addressing import RecipientRefused, resolve_recipient
from .edxml.model import (
    BUSINESS_NEW,
    BUSINESS_RECALL,
    BUSINESS_REPLACE,
    BUSINESS_UPDATE,
    DocumentPackage,
    Parsed,
)
from .edxml.parse import parse_package
from .edxml.safe_xml import PackageRefused
from .edxml.signature import verify_signature
from .edxml.values import document_id as edxml_document_id
from .package_metadata import carried_values, package_metadata
from .received import ReceivedPackage

MB = 1024 * 1024


@dataclass
class Imported:
    document_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_package(data: bytes, *, actor, to_code: str | None = None, parsed: Parsed | None = None) -> Imported:
    """Receive the package at each agency here it is addressed to; raise PackageRefused with the reasons.

    `actor` is the clerk who brought it (their agency must be among the recipients), or None for the
    system (a command, the axis inbox); `to_code` directs a package addressed to no agency here;
    `parsed` is `data` already parsed as a document package (receive_any), which is not parsed twice.
    """
    config = current_app.config
    parsed = parsed or parse_package(data, max_bytes=config["EXCHANGE_MAX_PACKAGE_MB"] * MB)
    package: DocumentPackage = parsed.package
    business = package.bussiness.bussiness_doc_type if package.bussiness else BUSINESS_NEW
    warnings = list(parsed.warnings)
    recipients = _recipients(package, to_code, actor)
    if business == BUSINESS_RECALL:
        return _ask_to_recall(data, package, recipients, warnings, actor)
    if business == BUSINESS_UPDATE:
        return _ask_to_update(data, parsed, recipients, warnings, actor)
    sender_document_id = package.document_id or edxml_document_id(
        package.sender.organ_id, package.promulgation.promulgation_date, package.code.code_number,
        package.code.code_notation)
    if not package.document_id:
        warnings.append(_("Gói tin không có DocumentId; dùng %(id)s dựng từ mã, ngày, số và ký hiệu.",
                          id=sender_document_id))
    verdict = _header_verdict(parsed, warnings)
    if verdict.verdict != "valid":
        warnings.append(_("Chữ ký số của gói tin: %(label)s%(reason)s.", label=verdict.label,
                          reason=f" — {verdict.reason}" if verdict.reason else ""))
    metadata, guessed = package_metadata(package)
    warnings += guessed
    imported = Imported(warnings=warnings)
    try:
        with UploadBatch(config["FILES_DIR"], max_bytes=config["EXCHANGE_MAX_PACKAGE_MB"] * MB) as batch:
            kept = batch.add_bytes(data, "goi-tin.edxml")
            pdfs = _pdfs(package, batch, warnings)
            for agency in recipients:
                imported.document_ids.append(_receive_at(
                    agency, package, sender_document_id, metadata, pdfs, batch, kept, warnings, verdict, actor))
    except (DocumentRefused, UploadRefused) as refused:
        reasons = list(refused.fields.values()) if isinstance(refused, DocumentRefused) else [str(refused)]
        raise PackageRefused(reasons) from None
    return imported


def _ask_to_recall(data: bytes, package: DocumentPackage, recipients: list[Agency], warnings: list[str],
                   actor) -> Imported:
    """A recall (BussinessDocType 1): the document received earlier goes to status 13 and its clerk decides
    (15 agrees: its handling stops; 16 refuses, with a reason); the answer goes back as a status package."""
    named = package.bussiness.document_id or package.document_id
    sender = package.sender.organ_id
    reason = (package.bussiness.bussiness_doc_reason or "").strip() or _("(nơi gửi không ghi lý do)")
    imported = Imported(warnings=warnings)
    config = current_app.config
    with UploadBatch(config["FILES_DIR"], max_bytes=config["EXCHANGE_MAX_PACKAGE_MB"] * MB) as batch:
        kept = batch.add_bytes(data, "goi-thu-hoi.edxml")
        for agency in recipients:
            earlier = _received_earlier(agency, sender, named)
            if earlier is None:
                raise PackageRefused([_("%(agency)s chưa nhận văn bản %(id)s mà nơi gửi đề nghị thu hồi.",
                                        agency=agency.name, id=named or "—")])
            document = earlier.document
            if not ask_recipient_to_recall(document, sender_name=package.sender.organ_name or sender, reason=reason,
                                           actor=actor):
                warnings.append(_("Văn bản %(id)s đã có đề nghị thu hồi trước đó.", id=named))
            record("package_recall_received", actor=actor, subject=("document", str(document.id)),
                   agency_id=agency.id, sender=sender, edxml_document_id=named, package_sha256=kept.sha256,
                   reason=reason)
            imported.document_ids.append(document.id)
    return imported


def _ask_to_update(data: bytes, parsed: Parsed, recipients: list[Agency], warnings: list[str],
                   actor) -> Imported:
    """An update (BussinessDocType 2): the header values and main PDF it carries wait for the clerk of the
    document received earlier (15 applies them, 16 refuses with a reason); the same package twice is one."""
    package: DocumentPackage = parsed.package
    named = package.bussiness.document_id or package.document_id
    sender = package.sender.organ_id
    reason = (package.bussiness.bussiness_doc_reason or "").strip() or _("(nơi gửi không ghi lý do)")
    info = package.bussiness.document_info
    verdict = _header_verdict(parsed, warnings)
    notes = [_("Chữ ký số của gói cập nhật: %(label)s.", label=verdict.label)]
    imported = Imported(warnings=warnings)
    config = current_app.config
    try:
        with UploadBatch(config["FILES_DIR"], max_bytes=config["EXCHANGE_MAX_PACKAGE_MB"] * MB) as batch:
            kept = batch.add_bytes(data, "goi-cap-nhat.edxml")
            pdfs = _pdfs(package, batch, warnings, required=False)
            if len(pdfs) > 1:
                warnings.append(_("Gói cập nhật kèm %(n)s tệp phụ lục; các tệp kèm theo của văn bản không đổi.",
                                  n=len(pdfs) - 1))
            for agency in recipients:
                earlier = _received_earlier(agency, sender, named)
                if earlier is None:
                    raise PackageRefused([_("%(agency)s chưa nhận văn bản %(id)s mà nơi gửi đề nghị cập nhật.",
                                            agency=agency.name, id=named or "—")])
                document = earlier.document
                asked = ask_recipient_to_update(
                    document, sender_code=sender, sender_name=package.sender.organ_name or sender, reason=reason,
                    carried=carried_values(package), new_file=pdfs[0] if pdfs else None,
                    fields_info=asdict(info) if info else {}, package_sha256=kept.sha256, actor=actor,
                    notes=notes + warnings)
                if asked is None:
                    warnings.append(_("Văn bản %(id)s đã nhận gói cập nhật này trước đó; không ghi lần nữa.", id=named))
                record("package_update_received", actor=actor, subject=("document", str(document.id)),
                       agency_id=agency.id, sender=sender, edxml_document_id=named, package_sha256=kept.sha256,
                       reason=reason, signature=verdict.verdict, duplicate=asked is None)
                imported.document_ids.append(document.id)
    except UploadRefused as refused:
        raise PackageRefused([str(refused)]) from None
    return imported


def _received_earlier(agency: Agency, sender: str, edxml_id: str | None) -> ReceivedPackage | None:
    """The package by which this agency received the sender's document `edxml_id`."""
    return db.session.scalars(select(ReceivedPackage).where(
        ReceivedPackage.agency_id == agency.id, ReceivedPackage.sender_code == sender,
        ReceivedPackage.edxml_document_id == edxml_id)).first()


def _header_verdict(parsed: Parsed, warnings: list[str]):
    """The XML-DSig verdict of the package header; its own warnings join `warnings`."""
    config = current_app.config
    verdict = verify_signature(parsed.root, trust_roots=trust_roots_from_config(config),
                               crls=crls_from_config(config))
    warnings += list(verdict.warnings)
    return verdict


def _link_replaced(document, package: DocumentPackage, agency: Agency, warnings: list[str]) -> None:
    """A replacement (BussinessDocType 3) is a new document linked both ways to those it replaces here."""
    if not package.bussiness or package.bussiness.bussiness_doc_type != BUSINESS_REPLACE:
        return
    named = [info.document_id for info in package.bussiness.replacements if info.document_id]
    if not named and package.bussiness.document_id:
        named = [package.bussiness.document_id]
    for replaced_id in named:
        earlier = _received_earlier(agency, package.sender.organ_id, replaced_id)
        if earlier is None:
            warnings.append(_("Văn bản này thay thế văn bản %(id)s, mà %(agency)s chưa nhận.", id=replaced_id,
                              agency=agency.name))
            continue
        old = earlier.document
        db.session.add(DocumentLink(document_id=document.id, kind="replaces", related_id=old.id,
                                    reference=old.symbol))
        db.session.add(DocumentLink(document_id=old.id, kind="replaced_by", related_id=document.id,
                                    reference=document.symbol))
        warnings.append(_("Văn bản này thay thế văn bản %(symbol)s đã nhận.", symbol=old.symbol))


def _recipients(package: DocumentPackage, to_code: str | None, actor) -> list[Agency]:
    codes = [to_code] if to_code else [organ.organ_id for organ in package.to]
    if not codes:
        raise PackageRefused([_("Gói tin không ghi nơi nhận (To); chỉ định cơ quan nhận.")])
    agencies, refusals = [], []
    for code in codes:
        try:
            agencies.append(resolve_recipient(code, override=to_code))
        except RecipientRefused as refused:
            refusals.append(refused.reason)
    if to_code and refusals:
        raise PackageRefused(refusals)
    if actor is not None:  # a clerk brings in only what is addressed to their own agency
        agencies = [a for a in agencies if a.id == actor.agency_id]
    if not agencies:
        if actor is not None:
            raise PackageRefused([_("Gói tin gửi %(codes)s, không gửi cơ quan nào của bạn trong hệ thống.",
                                    codes=", ".join(codes))])
        raise PackageRefused(refusals + [_("Gói tin gửi %(codes)s, không phải cơ quan nào trong hệ thống nhận được; "
                                           "chỉ định cơ quan nhận (--to).", codes=", ".join(codes))])
    return list({a.id: a for a in agencies}.values())


def _pdfs(package: DocumentPackage, batch: UploadBatch, warnings: list[str], *, required: bool = True) -> list:
    """The package's PDFs held in the batch, the main file first; other files are named in a warning."""
    pdfs = []
    for attachment in package.attachments:
        if attachment.content_type == "application/pdf" or attachment.name.lower().endswith(".pdf"):
            pdfs.append(batch.add_pdf(io.BytesIO(attachment.data), _safe_name(attachment.name)))
        else:
            warnings.append(_("Tệp %(name)s không phải PDF; chưa nhận tệp này.", name=_safe_name(attachment.name)))
    if not pdfs and required:
        raise PackageRefused([_("Gói tin không có tệp PDF nào để làm văn bản.")])
    return pdfs


def _safe_name(name: str) -> str:
    """The sender's file name without a path or control characters (it is shown and offered as a download)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:200] or "tep-dinh-kem.pdf"


def _receive_at(agency: Agency, package: DocumentPackage, sender_document_id: str, metadata, pdfs: list,
                batch: UploadBatch, kept, warnings: list[str], verdict, actor) -> int:
    """The document this package makes at the agency, or the one an earlier copy of it made there."""
    sender = package.sender.organ_id
    earlier = _received_earlier(agency, sender, sender_document_id)
    if earlier is None:
        own_warnings = len(warnings)
        try:
            # A savepoint: a twin of this package received by another request at the same instant holds
            # the unique key; this attempt is then taken back whole and the twin's document answers.
            with db.session.begin_nested():
                return _receive_new(agency, package, sender_document_id, metadata, pdfs, batch, kept,
                                    warnings, verdict, actor)
        except IntegrityError:
            del warnings[own_warnings:]
            earlier = _received_earlier(agency, sender, sender_document_id)
            if earlier is None:
                raise
    warnings.append(_("%(agency)s đã nhận văn bản %(id)s trước đó; không tạo văn bản thứ hai.",
                      agency=agency.name, id=sender_document_id))
    return earlier.document_id


def _receive_new(agency: Agency, package: DocumentPackage, sender_document_id: str, metadata, pdfs: list,
                 batch: UploadBatch, kept, warnings: list[str], verdict, actor) -> int:
    sender = package.sender.organ_id
    received = receive_document(agency_id=agency.id, metadata=metadata, main_file=pdfs[0],
                                attachments=tuple(pdfs[1:]), origin="edxml", actor=actor,
                                refuse_broken_signatures=False, main_pdf=batch.read_bytes(pdfs[0]))
    _link_replaced(received.document, package, agency, warnings)
    signature = {"verdict": verdict.verdict, "signer_name": verdict.signer_name,
                 "signer_organisation": verdict.signer_organisation, "algorithm": verdict.algorithm,
                 "reason": verdict.reason}
    db.session.add(ReceivedPackage(
        agency_id=agency.id, document_id=received.document.id, sender_code=sender,
        edxml_document_id=sender_document_id, package_sha256=kept.sha256, package_size=kept.size,
        warnings=list(warnings), signature=signature, received_by_id=actor.id if actor else None))
    record("package_received", actor=actor, subject=("document", str(received.document.id)),
           agency_id=agency.id, sender=sender, edxml_document_id=sender_document_id,
           package_sha256=kept.sha256, signature=verdict.verdict, warnings=len(warnings))
    db.session.flush()
    return received.document.id
