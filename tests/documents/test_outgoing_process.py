"""Văn bản đi through the service layer: draft → reviews → signer's signature → number + seal → release."""
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from app.documents.models import Document, DocumentNote, NumberSequence
from app.documents.outgoing.models import OutgoingDraft
from app.filestore import path_for
from app.rendering.fonts import FIELD_CHARACTERS
from app.signing.keystore import PIN_ATTEMPTS, active_person_credential
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures
from app.workflow.errors import OperatorRefused, SigningRefused, TaskForbidden
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task
from app.workflow.signing_tasks import sign_and_complete

from ..pdf_samples import pdf_text
from ..rendering.inspect_pdf import embedded_fonts
from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft, task_of


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def draft_of(db, instance_id) -> OutgoingDraft:
    return db.session.scalars(select(OutgoingDraft).join(Document, Document.id == OutgoingDraft.document_id)
                              .where(Document.instance_id == instance_id)).one()


def main_pdf(app, document) -> bytes:
    return path_for(Path(app.config["FILES_DIR"]), document.main_file.sha256).read_bytes()


def test_draft_goes_from_specialist_to_recipient_inbox_with_two_valid_signatures(app, db, sender):
    instance_id = start_draft(app, db, sender)
    draft = draft_of(db, instance_id)
    document = draft.document
    assert (document.direction, document.notation, draft.stage) == ("outgoing", "VPUBND-TH", "content_review")
    assert {c.user_id for c in task_of(db, instance_id, "review_content").candidates} == {sender.unit_head.id}

    approve_reviews(app, db, sender, instance_id)
    sign_task = task_of(db, instance_id, "sign")
    assert sign_task.assigned_user_id == sender.leader.id  # the signer named in the draft, nobody else
    signed = sign(app, db, sender, instance_id)
    assert "hợp lệ" in signed.prepared["signature_result"]["summary"]
    assert draft.stage == "issuing" and document.number == ""  # no number before the clerk issues it

    issue(app, db, sender, instance_id)
    assert document.number == "01" and document.symbol == "01/VPUBND-TH" and draft.stage == "released"
    pdf = main_pdf(app, document)
    verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                       crls=crls_from_config(app.config))
    assert [(v.field_name, v.verdict) for v in verdicts] == [("ChuKyNguoiKy", "valid"), ("ChuKyCoQuan", "valid")]
    assert verdicts[0].modification_level == "FORM_FILLING"  # the number was filled in after the signature
    assert all(v.timestamp_time for v in verdicts)  # PAdES B-T: the demo TSA stamped both
    # WeasyPrint's, the signer's (fields created and signed) and the clerk's (number, date and seal): one
    # incremental update per step, so every later validation compares two revisions after the first.
    assert PdfFileReader(BytesIO(pdf)).xrefs.total_revisions == 3
    text = pdf_text(pdf)
    assert "Số: 01/VPUBND-TH" in text.replace("\n", " ") or "01" in text
    assert "V/v Đề nghị báo cáo tình hình thực hiện cải cách hành chính năm 2026" in " ".join(text.split())
    assert "TL. CHỦ TỊCH" in text and "Trần Quang Minh" in text and "Lưu: VT, TH." in text
    info = PdfFileReader(BytesIO(pdf)).trailer["/Info"]
    assert str(info["/Title"]) == "Công văn số 01/VPUBND-TH"

    received = db.session.scalars(select(Document).where(Document.source_document_id == document.id)).one()
    assert (received.agency_id, received.status_code, received.symbol) == (sender.recipient.id, "01", "01/VPUBND-TH")
    assert [v["verdict"] for v in received.signature_verdicts] == ["valid", "valid"]
    receive = task_of(db, received.instance_id, "receive")
    assert {c.user_id for c in receive.candidates} == {sender.recipient_clerk.id}


def test_the_released_letter_embeds_font_subsets_only(app, db, sender):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    pdf = main_pdf(app, draft_of(db, instance_id).document)
    # The number and date fields' font is embedded whole, so it is Termes cut to the field characters:
    # with the full regular and italic faces (about a thousand characters each) the letter crosses the bound.
    assert all(len(font.getBestCmap()) <= len(FIELD_CHARACTERS) for font in embedded_fonts(pdf))
    assert len(pdf) < 340_000, len(pdf)


def test_pdfsig_trusting_the_demo_root_finds_both_signatures_valid_and_trusted(app, db, sender, tmp_path):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    pdf_path = tmp_path / "signed.pdf"
    pdf_path.write_bytes(main_pdf(app, draft_of(db, instance_id).document))
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    root = Path(app.config["PKI_DIR"]) / "root.pem"
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "demo-root", "-t", "CT,C,C", "-a", "-i", str(root)],
                   check=True)
    output = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(pdf_path)], capture_output=True, text=True).stdout
    assert output.count("Signature Validation: Signature is Valid.") == 2, output
    assert output.count("Certificate Validation: Certificate is Trusted.") == 2, output


def test_returns_carry_comments_back_to_the_drafter_and_a_returning_signer_takes_no_number(app, db, sender):
    instance_id = start_draft(app, db, sender)
    savepoint = db.session.begin_nested()
    with app.test_request_context(), pytest.raises(OperatorRefused, match="Nêu nội dung cần sửa"):
        complete_task(task_of(db, instance_id, "review_content").task_uuid, {"decision": "return"},
                      actor=sender.unit_head)
    savepoint.rollback()
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "review_content").task_uuid,
                      {"decision": "return", "comment": "Bổ sung thời hạn báo cáo."}, actor=sender.unit_head)
    draft = draft_of(db, instance_id)
    assert draft.stage == "drafting"
    redraft = task_of(db, instance_id, "draft")
    assert redraft.assigned_user_id == sender.specialist.id
    with app.test_request_context():
        complete_task(redraft.task_uuid, {"body": "Đề nghị báo cáo trước ngày 10/12/2026.\nTrân trọng./."},
                      actor=sender.specialist)
    approve_reviews(app, db, sender, instance_id)
    with app.test_request_context():
        sign_and_complete(task_of(db, instance_id, "sign").task_uuid,
                          {"decision": "return", "comment": "Sửa trích yếu."}, actor=sender.leader, pin="")
    assert draft.stage == "drafting" and draft.signed_at is None and draft.document.main_file is None
    assert db.session.scalars(select(NumberSequence)).all() == []
    notes = db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == draft.document_id)
                               .order_by(DocumentNote.id)).all()
    assert [(n.kind, n.text) for n in notes] == [("return", "Bổ sung thời hạn báo cáo."), ("return", "Sửa trích yếu.")]
    assert task_of(db, instance_id, "draft").assigned_user_id == sender.specialist.id


def test_wrong_pin_signs_nothing_and_five_rest_the_key(app, db, sender):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign_uuid = task_of(db, instance_id, "sign").task_uuid
    for attempt in range(PIN_ATTEMPTS):
        savepoint = db.session.begin_nested()
        with pytest.raises(SigningRefused) as refused:
            sign(app, db, sender, instance_id, pin="000000")
        savepoint.rollback()
        refused.value.after_rollback()
        assert refused.value.message == "Mã PIN không đúng."
    assert draft_of(db, instance_id).document.main_file is None
    assert db.session.scalars(select(HumanTask).where(HumanTask.task_uuid == sign_uuid)).one()
    with pytest.raises(SigningRefused, match="quá nhiều lần"):
        sign(app, db, sender, instance_id)  # even the right PIN waits now
    assert active_person_credential(sender.leader.id).locked_until is not None


def test_a_leader_other_than_the_named_signer_may_not_sign(app, db, sender, make):
    other = make.user(agency=sender.agency, roles=("leader",))
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    with pytest.raises(TaskForbidden, match="đã được giao cho người khác"):
        sign(app, db, sender, instance_id, actor=other)
    assert draft_of(db, instance_id).document.main_file is None


@pytest.mark.parametrize("overrides, refusal", [
    ({"secrecy": 1, "external_recipients": "000.00.00.G22 - Văn phòng Chính phủ"}, "Văn bản mật"),
    ({"recipients": []}, "ít nhất một nơi nhận"),
    ({"external_recipients": "G22 Văn phòng Chính phủ"}, "dòng 1: cần"),
    ({"signer": "nobody"}, "Người ký phải là lãnh đạo"),
])
def test_a_draft_the_process_cannot_go_on_with_is_refused_with_the_reason(app, db, sender, overrides, refusal):
    with pytest.raises(OperatorRefused, match=refusal):
        start_draft(app, db, sender, **overrides)


def test_an_external_recipient_is_queued_for_the_exchange_on_release(app, db, sender):
    instance_id = start_draft(app, db, sender, external_recipients="000.00.00.G22 - Văn phòng Chính phủ")
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    external = [r for r in draft_of(db, instance_id).recipients if r.agency_id is None]
    assert [(r.code, r.exchange_state) for r in external] == [("000.00.00.G22", "queued")]


def test_an_expired_or_revoked_certificate_signs_nothing(app, db, sender, monkeypatch):
    from datetime import timedelta

    from app.signing import keystore
    from app.signing.demo_pki import ensure_demo_pki

    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    credential = active_person_credential(sender.leader.id)
    after_expiry = credential.not_after + timedelta(days=1)
    monkeypatch.setattr(keystore, "utcnow", lambda: after_expiry)  # the day after the certificate ran out
    with pytest.raises(SigningRefused, match="đã hết hạn ngày"):
        sign(app, db, sender, instance_id)
    monkeypatch.undo()

    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    with app.test_request_context():
        _row, opened = keystore.open_person_key(sender.leader.id, "246810")
    pki.revoke(opened.certificate)
    with pytest.raises(SigningRefused, match="đã bị thu hồi"):
        sign(app, db, sender, instance_id)
    assert draft_of(db, instance_id).document.main_file is None and draft_of(db, instance_id).signed_at is None


def test_a_separately_filed_attachment_gets_the_agency_signature_as_text_top_right(app, db, sender):
    import io

    from app.filestore import store_pdf

    from ..pdf_samples import minimal_pdf

    stored = store_pdf(io.BytesIO(minimal_pdf("Phu luc danh sach", pages=2)), "phu-luc.pdf",
                       files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
    instance_id = start_draft(app, db, sender, attachment=stored.as_data())
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = draft_of(db, instance_id).document
    [attachment] = [f for f in document.files if f.role == "attachment"]
    assert attachment.sha256 != stored.sha256  # the sealed copy replaced the upload
    pdf = path_for(Path(app.config["FILES_DIR"]), attachment.sha256).read_bytes()
    [verdict] = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                        crls=crls_from_config(app.config))
    assert (verdict.field_name, verdict.verdict) == ("ChuKyCoQuanPhuLuc", "valid")
    first_page = pdf_text(pdf).split("\f")[0]
    assert "01/VPUBND-TH" in first_page and "+07:00" in first_page
    received = db.session.scalars(select(Document).where(Document.source_document_id == document.id)).one()
    assert [f.sha256 for f in received.files if f.role == "attachment"] == [attachment.sha256]
