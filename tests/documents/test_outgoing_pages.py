"""Văn bản đi through the pages: the draft form, preview, reviews, PIN signing, issuing, the lists, statuses back."""
import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.workflow.models import HumanTask

from ..pdf_samples import minimal_pdf
from .outgoing_setup import PIN, make_sender, task_of


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


@pytest.fixture
def log_in_as(login, post_form):
    signed_in = []

    def switch(user):
        if signed_in:
            post_form("/", "/dang-xuat")
        signed_in[:] = [user]
        return login(user)
    return switch


def complete(post_form, task_uuid, data, **kwargs):
    return post_form(f"/cong-viec/{task_uuid}", data=data, **kwargs)


def test_specialist_drafts_and_the_document_reaches_the_recipient_with_statuses_back(
        app, db, sender, log_in_as, client, post_form):
    log_in_as(sender.specialist)
    started = post_form("/van-ban-di", "/quy-trinh/outgoing_document/khoi-tao")
    assert started.status_code == 302 and "/cong-viec/" in started.location
    form_page = client.get(started.location).get_data(as_text=True)
    assert "Loại văn bản" in form_page and "Nơi nhận trong tỉnh" in form_page and sender.recipient.name in form_page

    refused = complete(post_form, started.location.rsplit("/", 1)[1],
                       {"doc_type": "CV", "subject": "", "body": "", "signer": sender.leader.username,
                        "authority": ""}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "Trường này bắt buộc" in refused.get_data(as_text=True)
    saved = complete(post_form, started.location.rsplit("/", 1)[1], {
        "doc_type": "CV", "subject": "Đề nghị cử cán bộ dự tập huấn văn thư lưu trữ",
        "body": "Văn phòng UBND tỉnh đề nghị Sở Nội vụ cử 02 cán bộ dự tập huấn.\nTrân trọng./.",
        "recipients": [sender.recipient.code], "signer": sender.leader.username, "authority": "TL.",
        "authority_of": "Chủ tịch", "urgency": "1", "secrecy": "0"}, content_type="multipart/form-data")
    assert saved.status_code == 302
    document = db.session.scalars(select(Document).where(Document.direction == "outgoing")).one()

    drafts = client.get("/du-thao").get_data(as_text=True)
    assert "Đề nghị cử cán bộ dự tập huấn" in drafts and "Chờ duyệt nội dung" in drafts
    preview = client.get(f"/van-ban-di/{document.id}/xem-truoc")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"

    instance_id = document.instance_id
    log_in_as(sender.unit_head)
    review = task_of(db, instance_id, "review_content")
    page = client.get(f"/cong-viec/{review.task_uuid}").get_data(as_text=True)
    assert f"/van-ban-di/{document.id}/xem-truoc" in page  # the preview beside the review form
    # At the page's width, with open, print and download beside it.
    assert f'<object data-pdf-src="/van-ban-di/{document.id}/xem-truoc#view=FitH"' in page
    assert f'href="/van-ban-di/{document.id}/xem-truoc" target="_blank" rel="noopener" data-print-pdf>In</a>' in page
    download = client.get(f"/van-ban-di/{document.id}/xem-truoc?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert not preview.headers.get("Content-Disposition", "").startswith("attachment")
    assert complete(post_form, review.task_uuid, {"decision": "approve"}).status_code == 302
    log_in_as(sender.checker)
    assert complete(post_form, task_of(db, instance_id, "check_format").task_uuid,
                    {"decision": "approve"}).status_code == 302

    log_in_as(sender.leader)
    sign_uuid = task_of(db, instance_id, "sign").task_uuid
    page = client.get(f"/cong-viec/{sign_uuid}").get_data(as_text=True)
    assert 'name="pin"' in page and "Mã PIN chứng thư số" in page
    wrong = complete(post_form, sign_uuid, {"decision": "sign", "pin": "111111"})
    assert wrong.status_code == 422 and "Mã PIN không đúng." in wrong.get_data(as_text=True)
    assert document.main_file is None
    signed = complete(post_form, sign_uuid, {"decision": "sign", "pin": PIN}, follow_redirects=True)
    assert "Đã ký số văn bản" in signed.get_data(as_text=True)
    assert PIN not in str([e.data for e in _audit(db)])  # the PIN is never kept

    log_in_as(sender.clerk)
    issued = complete(post_form, task_of(db, instance_id, "issue").task_uuid, {}, follow_redirects=True)
    assert "Đã cấp số 01/VPUBND-TH" in issued.get_data(as_text=True)
    listed = client.get("/van-ban-di").get_data(as_text=True)
    assert "01/VPUBND-TH" in listed and "01 · Đã đến" in listed

    log_in_as(sender.recipient_clerk)
    incoming = client.get("/van-ban-den").get_data(as_text=True)
    assert "01/VPUBND-TH" in incoming and "Đề nghị cử cán bộ dự tập huấn" in incoming
    received = db.session.scalars(select(Document).where(Document.source_document_id == document.id)).one()
    receive = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == received.instance_id)).one()
    complete(post_form, receive.task_uuid, {"receive_decision": "refuse", "refusal_reason": "Gửi nhầm cơ quan"})

    log_in_as(sender.specialist)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "02 · Từ chối tiếp nhận" in page and "Gửi nhầm cơ quan" in page
    assert page.count("Hợp lệ") >= 2


def _audit(db):
    from app.audit.models import AuditEvent
    return db.session.scalars(select(AuditEvent)).all()


def test_outgoing_register_lists_issued_documents_in_every_format(app, db, sender, login, client):
    from .outgoing_setup import approve_reviews, issue, sign, start_draft

    instance_id = start_draft(app, db, sender, external_recipients="000.00.00.G22 - Văn phòng Chính phủ")
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    login(sender.clerk)
    page = client.get("/so-van-ban/di").get_data(as_text=True)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in page and "01/VPUBND-TH" in page
    assert "Sở Nội vụ tỉnh Thử; Văn phòng Chính phủ" in page and "Trần Quang Minh" in page
    assert "Người ký" in page and "Số lượng bản" in page
    for output, mimetype in (("pdf", "application/pdf"), ("csv", "text/csv"), ("xlsx", "application/vnd.openxml")):
        response = client.get(f"/so-van-ban/di?dinh-dang={output}")
        assert response.status_code == 200 and response.mimetype.startswith(mimetype.split(";")[0])
    csv_response = client.get("/so-van-ban/di?dinh-dang=csv")
    assert csv_response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "01/VPUBND-TH" in csv_response.get_data(as_text=True)

    document_id = db.session.scalars(select(Document.id).where(Document.instance_id == instance_id)).one()
    checked = client.get(f"/van-ban/{document_id}?kiem_tra=1").get_data(as_text=True)
    assert "vừa kiểm tra lại" in checked and checked.count("Hợp lệ") >= 2 and "dấu thời gian" in checked


def test_the_signature_report_lists_every_file_and_prints(app, db, sender, login, client):
    import io

    from app.filestore import store_pdf

    from ..pdf_samples import minimal_pdf, pdf_text
    from .outgoing_setup import approve_reviews, issue, sign, start_draft

    appendix = store_pdf(io.BytesIO(minimal_pdf("Phu luc")), "phu-luc.pdf", files_dir=app.config["FILES_DIR"],
                         max_bytes=1 << 20)
    instance_id = start_draft(app, db, sender, attachment=appendix.as_data())
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document_id = db.session.scalars(select(Document.id).where(Document.instance_id == instance_id)).one()
    from ..factories import Factory

    login(Factory(db).user(roles=("auditor",), province_wide=True))  # read-only, every agency
    page = client.get(f"/van-ban/{document_id}/chu-ky").get_data(as_text=True)
    assert page.count("Hợp lệ") == 3 and "phu-luc.pdf" in page and "Chỉ điền biểu mẫu (số, ngày)" in page
    assert page.count("<td>Người ký</td>") == 1 and page.count("<td>Con dấu cơ quan</td>") == 2
    pdf = client.get(f"/van-ban/{document_id}/chu-ky?dinh-dang=pdf")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data).split())
    assert "BÁO CÁO KIỂM TRA CHỮ KÝ SỐ" in text and text.count("Hợp lệ") == 3 and "Toàn bộ" in text


def test_an_auditor_downloads_a_signed_dossier_with_the_originals_and_the_trail(app, db, sender, login, client):
    import io
    import json
    import zipfile

    from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures

    from ..factories import Factory
    from ..pdf_samples import pdf_text
    from .outgoing_setup import approve_reviews, issue, sign, start_draft

    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    login(Factory(db).user(roles=("auditor",), province_wide=True))
    response = client.get(f"/van-ban/{document.id}/ho-so-kiem-toan")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "bao-cao-ho-so.pdf" in names and "trail.json" in names
    assert any(name.startswith("tep/main-") for name in names) and any(n.startswith("tep/revision-") for n in names)
    trail = json.loads(archive.read("trail.json"))
    assert trail["document"]["symbol"] == "01/VPUBND-TH"
    assert [e["type"] for e in trail["events"]][:3] == ["instance_started", "service_task_completed", "task_completed"]
    assert {"Hợp lệ"} == {s["verdict"] for s in trail["signatures"]}
    report = archive.read("bao-cao-ho-so.pdf")
    [verdict] = validate_pdf_signatures(report, trust_roots=trust_roots_from_config(app.config),
                                        crls=crls_from_config(app.config))
    assert verdict.verdict == "valid" and verdict.signer_name == "Hệ thống Liên Thông (DEMO)"
    text = " ".join(pdf_text(report).split())
    assert "HỒ SƠ KIỂM TOÁN VĂN BẢN" in text and "01/VPUBND-TH" in text and "Vị trí trong chuỗi nhật ký" in text
    # From the document to its case: the history on the diagram, replayed to "khớp".
    assert f"/kiem-toan/ho-so/{instance_id}" in client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    history = client.get(f"/kiem-toan/ho-so/{instance_id}?phat_lai=1").get_data(as_text=True)
    assert "Khớp:" in history and 'id="process-diagram"' in history and 'id="step-snapshots"' in history


def test_a_refused_draft_leaves_no_uploaded_appendix_in_the_file_store(app, sender, log_in_as, post_form):
    log_in_as(sender.specialist)
    started = post_form("/van-ban-di", "/quy-trinh/outgoing_document/khoi-tao")
    task_uuid = started.location.rsplit("/", 1)[1]
    files = Path(app.config["FILES_DIR"])
    before = {p for p in files.rglob("*") if p.is_file()}
    appendix = minimal_pdf(f"Phu luc {uuid.uuid4()}")  # a file the store has never seen

    refused = complete(post_form, task_uuid, {
        "doc_type": "CV", "subject": "Đề nghị cử cán bộ", "body": "Trân trọng./.", "signer": sender.leader.username,
        "authority": "", "external_recipients": "khong phai ma dinh danh",  # the drafting step refuses it
        "attachment": (io.BytesIO(appendix), "phu-luc.pdf")}, content_type="multipart/form-data")

    assert refused.status_code == 422 and "Nơi nhận ngoài hệ thống" in refused.get_data(as_text=True)
    assert {p for p in files.rglob("*") if p.is_file()} == before
