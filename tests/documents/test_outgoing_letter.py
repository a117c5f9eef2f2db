"""The outgoing document's Decree 30 layout per type, its ký hiệu, and the cached preview."""
import uuid

import pytest
from sqlalchemy import select

from app.documents.outgoing.letter import body_paragraphs, notation_for, render_letter
from app.documents.outgoing.models import OutgoingDraft

from ..pdf_samples import pdf_text
from .outgoing_setup import make_sender, start_draft


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def test_notation_follows_the_type_and_a_cong_van_names_the_drafting_unit(make):
    agency = make.agency(short_name="UBND")
    assert notation_for("QĐ", agency) == "QĐ-UBND"
    assert notation_for("TTr", agency, "VP") == "TTr-UBND"
    assert notation_for("CV", agency, "VP") == "UBND-VP"


def test_articles_and_headings_are_marked_in_the_body():
    assert body_paragraphs("QUYẾT ĐỊNH:\nĐiều 1. Kiện toàn tổ công tác.\n\n  Điều 2. Hiệu lực.\nVăn bản thường") == [
        {"heading": "QUYẾT ĐỊNH:"}, {"lead": "Điều 1.", "text": "Kiện toàn tổ công tác."},
        {"lead": "Điều 2.", "text": "Hiệu lực."}, "Văn bản thường"]


@pytest.mark.parametrize("doc_type, title", [("QĐ", "QUYẾT ĐỊNH"), ("TB", "THÔNG BÁO"), ("TTr", "TỜ TRÌNH"),
                                             ("BC", "BÁO CÁO"), ("KH", "KẾ HOẠCH"), ("GM", "GIẤY MỜI")])
def test_each_type_prints_its_name_subject_and_signer_in_vietnamese(app, db, sender, doc_type, title):
    instance_id = start_draft(app, db, sender, doc_type=doc_type, urgency=3,
                              subject="Về việc tổ chức hội nghị tổng kết năm 2026",
                              body="Căn cứ Luật Tổ chức chính quyền địa phương;\nĐiều 1. Tổ chức hội nghị.")
    draft = db.session.scalars(select(OutgoingDraft)).one()
    with app.test_request_context():
        text = " ".join(pdf_text(render_letter(draft, draft.document).pdf_bytes()).split())
    assert draft.document.notation == f"{doc_type}-VPUBND" and instance_id
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "VĂN PHÒNG UBND TỈNH THỬ",
                     "ỦY BAN NHÂN DÂN TỈNH THỬ", title, "Về việc tổ chức hội nghị tổng kết năm 2026", "HỎA TỐC",
                     "Căn cứ Luật Tổ chức chính quyền địa phương;", "Điều 1. Tổ chức hội nghị.", "Nơi nhận:",
                     "Sở Nội vụ tỉnh Thử;", "Lưu: VT, TH.", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Trần Quang Minh"):
        assert expected in text, expected
    assert "V/v" not in text  # only a công văn carries its subject under the number


def test_a_cong_van_has_v_v_and_kinh_gui_and_the_preview_is_rendered_once(app, db, sender, monkeypatch):
    from app.documents.outgoing import letter

    # The random part once held "ff": printed as a ligature, the text layer read "ﬀ" (ligatures are off now).
    subject = f"Đề nghị báo cáo tình hình thực hiện cải cách hành chính năm 2026 (lần {uuid.uuid4().hex[:4]}ff)"
    start_draft(app, db, sender, subject=subject)  # content no earlier test rendered: the cache starts cold
    draft = db.session.scalars(select(OutgoingDraft)).one()
    renders = []
    original = letter.render_pdf_document
    monkeypatch.setattr(letter, "render_pdf_document", lambda *a, **k: renders.append(1) or original(*a, **k))
    with app.test_request_context():
        first = render_letter(draft, draft.document)
        again = render_letter(draft, draft.document)
        text = " ".join(pdf_text(first.pdf_bytes()).split())
    assert first == again and len(renders) == 1  # cached by content
    assert f"V/v {subject}" in text
    assert "Kính gửi: Sở Nội vụ tỉnh Thử." in text and "Như trên;" in text
    draft.body += "\nBổ sung một đoạn."
    with app.test_request_context():
        changed = render_letter(draft, draft.document)
    assert changed.file.sha256 != first.file.sha256 and len(renders) == 2
