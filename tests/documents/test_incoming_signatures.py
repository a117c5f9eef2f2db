"""Signed PDFs at the door: verdicts kept and shown, a broken signature refused at entry, encryption refused."""
import io
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import PdfFileWriter
from sqlalchemy import func, select

from app.documents.models import Document
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf

from ..pdf_samples import minimal_pdf
from .conftest import metadata_values


def _signed(app) -> bytes:
    person = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person(
        "pho.giamdoc", "Phạm Thị Phó Giám Đốc", "UBND huyện Văn Yên")
    return sign_pdf(minimal_pdf("Van ban thu"), person)


def _enter(post_form, pdf: bytes):
    return post_form("/van-ban-den/vao-so", data={**metadata_values(), "file": (io.BytesIO(pdf), "cv.pdf")},
                     content_type="multipart/form-data")


def test_a_signed_pdf_is_received_with_its_verdict_shown(app, office, login, post_form, client, db):
    login(office.clerk)
    response = _enter(post_form, _signed(app))
    assert response.status_code == 302
    document = db.session.scalars(select(Document)).one()
    [verdict] = document.signature_verdicts
    assert verdict["verdict"] == "valid" and verdict["signer_name"] == "Phạm Thị Phó Giám Đốc"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hợp lệ" in page and "Phạm Thị Phó Giám Đốc" in page


def test_a_pdf_changed_after_signing_is_refused_at_entry_but_kept_from_a_delivery(app, office, login, post_form,
                                                                                   bring_in, db):
    tampered = _signed(app).replace(b"Van ban thu", b"Van ban thx")
    login(office.clerk)
    refused = _enter(post_form, tampered)
    assert refused.status_code == 422
    assert "Chữ ký số trong tệp không hợp lệ" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0

    # Delivered by another agency: kept, so the clerk sees the verdict at Tiếp nhận and refuses with a reason.
    delivered = bring_in(office, pdf=tampered, origin="internal", actor=None)
    assert [v["verdict"] for v in delivered.document.signature_verdicts] == ["invalid"]


def test_an_encrypted_pdf_is_refused(office, login, post_form, db):
    writer = PdfFileWriter(init_page_tree=True)
    writer.encrypt("chu-so-huu", "")
    out = io.BytesIO()
    writer.write(out)
    assert PdfFileReader(io.BytesIO(out.getvalue())).encrypted
    login(office.clerk)
    refused = _enter(post_form, out.getvalue())
    assert refused.status_code == 422 and "mã hóa" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
