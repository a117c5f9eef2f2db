"""The two signing steps of an outgoing document, run by the signing node under the instance lock.

Signer: the rendered draft (what everyone previewed), both signature fields pre-created, the signer's
visible PAdES signature with their PIN-opened key, validated at once. Clerk: the next number of the
outgoing book and today's date filled into the form fields (the signer's signature stays valid:
form filling), then the agency's seal signature, kept only if the signer's still validates in the sealed
file (judged once, with the seal's); both validated.
Any refusal raises SigningRefused before the completion commits, so nothing is kept: no file, no
number (the sequence row rolls back with it).
"""
import hashlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.documents.case_subject import NoCaseDocument
from app.documents.models import Document, DocumentFile
from app.documents.numbering import (
    formatted_number,
    outgoing_book_and_likely_number,
    register_year,
    take_number,
)
from app.documents.receiving import searchable_text
from app.filestore import path_for, store_pdf
from app.signing.attachment import ATTACHMENT_FIELD, sign_attachment
from app.signing.keystore import KeyRefused, WrongPin, agency_key, open_person_key, record_wrong_pin
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import (
    crls_from_config,
    inspect_pdf,
    trust_roots_from_config,
    validate_pdf_signatures,
)
from app.signing.visible import (
    AGENCY_FIELD,
    SIGNER_FIELD,
    SignerSignatureNotValid,
    fill_and_seal_unjudged,
    prepare_and_sign_as_signer,
    require_valid_signer,
)
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.errors import SigningRefused
from app.workflow.signing_node import SIGNATURE_RESULT_KEY, SigningStep

from .drafting import case_draft, issue_date_text
from .entitlement import require_named_signer
from .external_signing import ExternallySigned
from .letter import MAX_RENDER_PDF_BYTES, letter_title, render_letter
from .models import OutgoingDraft


def sign_outgoing_step(step: SigningStep, instance, actor, secret) -> dict:
    """The signing node's handler for documents (registered for subject type "document").

    `secret` is the signer's PIN, or the signature already made with a key held elsewhere
    (external_signing.ExternallySigned); the clerk's step needs neither.
    """
    try:
        draft = case_draft(instance)
    except NoCaseDocument:
        raise SigningRefused(_("Hồ sơ này không có văn bản đi để ký.")) from None
    if step.kind == "signer":
        return _sign_as_signer(draft, actor, secret)
    return _issue_and_seal(draft, actor)


def _refused(error: KeyRefused) -> SigningRefused:
    after = (lambda: record_wrong_pin(error.credential_id)) if isinstance(error, WrongPin) else None
    return SigningRefused(error.message, after_rollback=after)


def _sign_as_signer(draft: OutgoingDraft, actor, secret) -> dict:
    require_named_signer(draft, actor)
    document = draft.document
    letter = render_letter(draft, document)
    if isinstance(secret, ExternallySigned):
        if secret.source_sha256 != letter.file.sha256:
            raise SigningRefused(_("Dự thảo đã thay đổi sau khi chuẩn bị ký; hãy ký lại."))
        signed = secret.pdf
    else:
        signed = _sign_with_stored_key(letter, actor, secret)
    verdict = _verdicts(signed)[SIGNER_FIELD]
    if verdict["verdict"] != "valid":
        raise SigningRefused(_("Chữ ký vừa tạo không được xác minh hợp lệ (%(reason)s); văn bản chưa được ký.",
                               reason=verdict.get("reason") or verdict["verdict"]))
    _keep_main_file(document, signed, f"{document.doc_type}-{document.id}-da-ky.pdf")
    document.signature_verdicts = [verdict]
    draft.signed_at = utcnow()
    return _result("signer", signed, _("Đã ký số văn bản. Chữ ký của %(name)s: hợp lệ.", name=verdict["signer_name"] or "?"))


def _sign_with_stored_key(letter, actor, pin: str) -> bytes:
    config = current_app.config
    try:
        credential, credentials = open_person_key(actor.id, pin, crls=crls_from_config(config))
    except KeyRefused as error:
        raise _refused(error) from None
    return prepare_and_sign_as_signer(letter.pdf_bytes(), credentials, signature_box=letter.signature_block,
                                      image_png=credential.image_png, timestamper=timestamper_from_config(config))


def _issue_and_seal(draft: OutgoingDraft, actor) -> dict:
    if draft.stage != "issuing" or draft.signed_at is None:
        raise SigningRefused(_("Văn bản chưa có chữ ký của người ký; không thể cấp số."))
    config = current_app.config
    try:
        with agency_key(draft.document.agency_id, config, crls=crls_from_config(config)) as (credential, credentials):
            return _number_and_seal(draft, actor, credential, credentials)
    except KeyRefused as error:
        raise _refused(error) from None


@dataclass(frozen=True)
class _Sealed:
    """The main file and the attachments sealed with one number, not kept yet."""

    number: int
    pdf: bytes
    verdicts: dict[str, dict]
    attachments: list[tuple[DocumentFile, bytes]]


def _number_and_seal(draft: OutgoingDraft, actor, credential, credentials) -> dict:
    """Fill in the number and today's date, seal the document and its attachments, keep the number.

    The sealing (the slow part: pyHanko signs and validates) is done before the number is taken, with the
    number the book will most likely give: taking it locks the book's sequence row until the completion
    commits, and every other clerk of the agency waits for that lock. Should another clerk take that number
    first, the document is sealed again with the number taken; the kept number is always take_number's, so
    numbers stay gap-free and each is given once.
    """
    document = draft.document
    year = register_year()
    book, likely = outgoing_book_and_likely_number(document.agency_id, secret=document.secrecy > 0, year=year)
    issued_on = vietnam_today()
    signed_by_signer = path_for(Path(current_app.config["FILES_DIR"]), document.main_file.sha256).read_bytes()

    def sealed_with(number: int) -> _Sealed:
        return _sealed(document, number, issued_on, signed_by_signer, credential, credentials)

    sealed = sealed_with(likely)
    number = take_number(book, year=year)
    if number != sealed.number:
        sealed = sealed_with(number)
    document.number = formatted_number(number)
    _keep_attachments(document, sealed.attachments)
    document.book_id, document.arrival_year, document.arrival_number = book.id, year, number
    document.document_date = issued_on
    document.registered_at, document.registered_by_id = utcnow(), actor.id
    document.search_text = searchable_text(document)
    _keep_main_file(document, sealed.pdf, f"{document.number}-{document.notation}.pdf".replace("/", "-"))
    document.signature_verdicts = list(sealed.verdicts.values())
    draft.issued_at = utcnow()
    return _result("organization", sealed.pdf, _("Đã cấp số %(symbol)s và ký số của cơ quan: hợp lệ.",
                                                 symbol=document.symbol))


def _sealed(document: Document, number: int, issued_on, signed_by_signer: bytes, credential,
            credentials) -> _Sealed:
    """The signer's file with `number` and the date filled in and the agency's seal, and the sealed
    attachments; SigningRefused when a signature does not hold."""
    config = current_app.config
    number_text = formatted_number(number)
    sealed = fill_and_seal_unjudged(signed_by_signer, credentials, number_text=number_text,
                                    date_text=issue_date_text(issued_on), title=letter_title(document, number_text),
                                    seal_png=credential.image_png, timestamper=timestamper_from_config(config))
    judged = _judged(sealed)
    try:
        require_valid_signer(judged)  # sign_as_agency's check of the filled file, from the sealed file's verdicts
    except SignerSignatureNotValid as refused:
        raise SigningRefused(str(refused)) from None
    verdicts = _as_data(judged)
    broken = [v for v in verdicts.values() if v["verdict"] != "valid"]
    if broken or AGENCY_FIELD not in verdicts:
        raise SigningRefused(_("Chữ ký số sau khi cấp số không hợp lệ (%(reason)s); văn bản chưa được phát hành.",
                               reason=(broken[0].get("reason") or broken[0]["verdict"]) if broken else "?"))
    symbol = "/".join(part for part in (number_text, document.notation) if part)  # as Document.symbol will say
    return _Sealed(number, sealed, verdicts, _sealed_attachments(document, symbol, credentials))


def _sealed_attachments(document: Document, symbol: str, credentials) -> list[tuple[DocumentFile, bytes]]:
    """Each separately-filed attachment with the agency's signature, text only, top right of page 1."""
    files_dir = Path(current_app.config["FILES_DIR"])
    moment = utcnow()
    sealed_files = []
    for attachment in [f for f in document.files if f.role == "attachment"]:
        try:
            sealed = sign_attachment(path_for(files_dir, attachment.sha256).read_bytes(), credentials,
                                     symbol=symbol, moment=moment,
                                     timestamper=timestamper_from_config(current_app.config))
        except Exception as error:  # a PDF pyHanko cannot extend: say which file, sign nothing
            raise SigningRefused(_("Không ký số được tài liệu kèm theo %(name)s; hãy thay tệp khác.",
                                   name=attachment.name)) from error
        if _verdicts(sealed).get(ATTACHMENT_FIELD, {}).get("verdict") != "valid":
            raise SigningRefused(_("Chữ ký số trên tài liệu kèm theo %(name)s không hợp lệ.", name=attachment.name))
        sealed_files.append((attachment, sealed))
    return sealed_files


def _keep_attachments(document: Document, sealed_files: list[tuple[DocumentFile, bytes]]) -> None:
    """The sealed attachments replace the ones they were made from, which stay as revisions."""
    files_dir = Path(current_app.config["FILES_DIR"])
    for attachment, sealed in sealed_files:
        stored = store_pdf(BytesIO(sealed), attachment.name, files_dir=files_dir, max_bytes=MAX_RENDER_PDF_BYTES * 5)
        attachment.role = "revision"
        document.files.append(DocumentFile(role="attachment", position=attachment.position, sha256=stored.sha256,
                                           name=stored.name, size=stored.size))


def _verdicts(pdf: bytes) -> dict[str, dict]:
    return _as_data(_judged(pdf))


def _as_data(judged: list) -> dict[str, dict]:
    """Verdicts by field name, as stored on the document."""
    return {v.field_name: v.as_data() for v in judged}


def _judged(pdf: bytes) -> list:
    config = current_app.config
    return validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(config), crls=crls_from_config(config))


def _keep_main_file(document: Document, pdf: bytes, name: str) -> None:
    """The signed PDF becomes the document's main file; the one it was made from stays as a revision."""
    stored = store_pdf(BytesIO(pdf), name, files_dir=Path(current_app.config["FILES_DIR"]),
                       max_bytes=MAX_RENDER_PDF_BYTES)
    for earlier in document.files:
        if earlier.role == "main":
            earlier.role = "revision"
    document.files.append(DocumentFile(role="main", position=0, sha256=stored.sha256, name=stored.name,
                                       size=stored.size))
    document.page_count = inspect_pdf(pdf).page_count


def _result(kind: str, pdf: bytes, summary: str) -> dict:
    return {SIGNATURE_RESULT_KEY: {"verified": True, "kind": kind, "document": "main",
                                   "sha256": hashlib.sha256(pdf).hexdigest(), "summary": summary}}
