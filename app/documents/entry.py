"""The clerk's own entry of an incoming document (paper or scanned), shared by the web form and the API."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from app.directory.models import User
from app.directory.roles import CLERK
from app.filestore import UploadBatch, UploadRefused

from .metadata import DocumentRefused, parse_metadata
from .models import Document
from .receiving import Received, find_duplicates, receive_document


@dataclass
class DuplicateSuspected(Exception):
    """Same issuer, số/ký hiệu and date as documents already held: the clerk confirms before registering."""

    duplicates: list[Document]


def enter_incoming(actor: User, values, main_upload, attachment_uploads=(), *,
                   confirm_duplicate: bool = False) -> Received:
    """Check everything, then keep the document and start its process (in the caller's transaction)."""
    if not actor.has_role(CLERK):
        raise DocumentRefused({"__form__": _("Chỉ văn thư được vào sổ văn bản đến.")})
    errors = {}
    try:
        metadata = parse_metadata(values)
    except DocumentRefused as refused:
        metadata, errors = None, dict(refused.fields)
    if main_upload is None or not getattr(main_upload, "filename", ""):
        errors["file"] = _("Chọn tệp PDF của văn bản.")
    if errors:
        raise DocumentRefused(errors)
    duplicates = find_duplicates(actor.agency_id, metadata)
    if duplicates and not confirm_duplicate:
        raise DuplicateSuspected(duplicates)
    config = current_app.config
    with UploadBatch(config["FILES_DIR"], max_bytes=config["MAX_TASK_FILE_MB"] * 1024 * 1024) as batch:
        try:
            main_file = batch.add_pdf(main_upload.stream, main_upload.filename)
        except UploadRefused as refused:
            raise DocumentRefused({"file": str(refused)}) from None
        attachments = []
        for upload in attachment_uploads:
            if upload and upload.filename:
                try:
                    attachments.append(batch.add_pdf(upload.stream, upload.filename))
                except UploadRefused as refused:
                    raise DocumentRefused({"attachments": f"{upload.filename}: {refused}"}) from None
        # The files reach the store only when receiving accepted them (the batch's exit).
        return receive_document(agency_id=actor.agency_id, metadata=metadata, main_file=main_file,
                                attachments=tuple(attachments), origin="paper", actor=actor,
                                main_pdf=batch.read_bytes(main_file), duplicates=duplicates)
