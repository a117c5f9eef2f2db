"""The signer's signature with a key held elsewhere: prepare (what to sign) then finish (the value).

Same rules as signing with a stored key (the named signer, a draft past its format check, a
signature that validates), plus the certificate's own: it must chain to a configured root, be in
force and unrevoked, and be issued to the signer (its name matches theirs). The pending state
expires after PENDING_LIFETIME; finishing completes the signing task through the signing node, so
the task moves on exactly as with a PIN.
"""
import secrets
from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete

from app.audit.services import record
from app.documents.case_subject import NoCaseDocument
from app.documents.folding import fold
from app.extensions import db
from app.signing import external
from app.signing.images import signature_png
from app.signing.keystore import active_person_credential
from app.signing.models import PendingSignature
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import crls_from_config, trust_roots_from_config
from app.signing.visible import SIGNER_FIELD, prepare_for_signing
from app.sqltypes import utcnow
from app.workflow.errors import SigningRefused
from app.workflow.runtime import Completion
from app.workflow.submission import AnswerInvalid, JsonAnswer, submit_task
from app.workflow.task_pages import TaskShape, find_my_task, picker_choices, task_shape

from .drafting import case_draft
from .entitlement import require_named_signer
from .letter import render_letter
from .models import OutgoingDraft

PENDING_LIFETIME = timedelta(minutes=10)


class ExternallySigned(NamedTuple):
    """The signer's signature made with a key held elsewhere, handed to the signing step instead of a PIN."""

    pdf: bytes
    source_sha256: str


def signing_draft(task_uuid: str, actor) -> tuple[OutgoingDraft, TaskShape]:
    """The draft of the actor's signer step (named by the case, never by task data), once it may be
    signed by them now, and the step's form."""
    row = find_my_task(task_uuid, actor)
    shape = task_shape(row) if row is not None else None
    if shape is None or not shape.signing or shape.signing["kind"] != "signer":
        raise SigningRefused(_("Không có bước ký số này trong việc của bạn."))
    try:
        draft = case_draft(row.instance)
    except NoCaseDocument:
        raise SigningRefused(_("Hồ sơ này không có văn bản đi để ký.")) from None
    require_named_signer(draft, actor)
    return draft, shape


def prepare_signature(task_uuid: str, actor, *, certificate_der: bytes, chain_der: tuple[bytes, ...],
                      form_data: dict) -> PendingSignature:
    draft, shape = signing_draft(task_uuid, actor)
    if shape.form is not None:
        # Checked now so the signer learns of a bad answer before signing; finishing checks it again.
        answer = JsonAnswer(form_data)
        form_data, errors = answer.typed(shape.form, picker_choices(shape.form, actor), {})
        if errors:
            raise AnswerInvalid(errors, form_data)
    config = current_app.config
    try:
        certificate = external.check_certificate(certificate_der, chain_der, trust_roots=trust_roots_from_config(config),
                                                 crls=crls_from_config(config))
    except external.CertificateRefused as refused:
        raise SigningRefused(str(refused)) from None
    holder = certificate.subject.native.get("common_name", "")
    if fold(str(holder)) != fold(actor.full_name):
        raise SigningRefused(_("Chứng thư số cấp cho %(holder)s, không phải cho %(name)s.", holder=holder,
                               name=actor.full_name))
    letter = render_letter(draft, draft.document)
    credential = active_person_credential(actor.id)
    prepared = external.prepare(
        prepare_for_signing(letter.pdf_bytes(), signature_box=letter.signature_block), field=SIGNER_FIELD,
        certificate_der=certificate_der, chain_der=chain_der,
        image_png=credential.image_png if credential else signature_png(actor.full_name),
        timestamper=timestamper_from_config(config))
    now = utcnow()
    db.session.execute(delete(PendingSignature).where(PendingSignature.expires_at < now))
    pending = PendingSignature(
        id=secrets.token_hex(16), user_id=actor.id, task_uuid=task_uuid, source_sha256=letter.file.sha256,
        form_data=form_data, pdf=prepared.pdf, reserved_start=prepared.reserved_start,
        reserved_end=prepared.reserved_end, document_digest=prepared.document_digest,
        signed_attributes=prepared.signed_attributes, certificate=certificate_der,
        chain=[c.hex() for c in chain_der], created_at=now, expires_at=now + PENDING_LIFETIME)
    db.session.add(pending)
    record("signature_prepared", actor=actor, subject=("document", str(draft.document_id)),
           agency_id=draft.document.agency_id, task_uuid=task_uuid, certificate_subject=holder,
           expires_at=pending.expires_at.isoformat())
    return pending


def finish_signature(pending_id: str, actor, value: bytes) -> Completion:
    pending = db.session.get(PendingSignature, pending_id)
    if pending is None or pending.user_id != actor.id:
        raise SigningRefused(_("Không tìm thấy phiên ký này."))
    if pending.expires_at <= utcnow():
        raise SigningRefused(_("Phiên ký đã hết hạn; hãy bắt đầu ký lại."))
    prepared = external.PreparedSignature(pending.pdf, pending.reserved_start, pending.reserved_end,
                                          pending.document_digest, pending.signed_attributes, pending.certificate,
                                          tuple(bytes.fromhex(c) for c in pending.chain))
    try:
        signed = external.finish(prepared, value, timestamper=timestamper_from_config(current_app.config))
    except external.ExternalSignatureRefused:
        raise SigningRefused(_("Giá trị chữ ký trả về không khớp với chứng thư số và nội dung cần ký.")) from None
    task_uuid, form_data, source = pending.task_uuid, dict(pending.form_data), pending.source_sha256
    db.session.delete(pending)
    return submit_task(task_uuid, JsonAnswer(form_data), actor=actor, channel="external_signing",
                       secret=ExternallySigned(signed, source))
