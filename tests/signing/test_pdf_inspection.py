"""Uploaded PDFs are counted, and refused with a Vietnamese reason when not a readable, unencrypted PDF."""
import pytest

from app.signing.pades import sign_pdf
from app.signing.validation import PdfFacts, PdfRejected, inspect_pdf, validate_pdf_signatures

BROKEN = "Tệp PDF bị hỏng, không đọc được."
ENCRYPTED = "Tệp PDF được đặt mật khẩu/mã hóa; hãy gửi bản không mã hóa."


def test_facts_of_a_plain_and_of_a_signed_pdf(make_pdf, person, organisation):
    plain = make_pdf("Mot", "Hai", "Ba")
    assert inspect_pdf(plain) == PdfFacts(page_count=3, encrypted=False, signature_count=0)
    signed = sign_pdf(sign_pdf(plain, person), organisation, field_name="Signature2")
    assert inspect_pdf(signed).signature_count == 2


def test_not_a_pdf_is_refused():
    with pytest.raises(PdfRejected, match="không phải là tệp PDF"):
        inspect_pdf(b"PK\x03\x04 a zip file")


@pytest.mark.parametrize("cut", [lambda pdf: pdf[:len(pdf) // 2], lambda pdf: pdf[:-30],
                                 lambda pdf: b"%PDF-1.7\nnot really\n%%EOF\n"])
def test_broken_pdf_is_refused(make_pdf, trust, cut):
    broken = cut(make_pdf())
    with pytest.raises(PdfRejected, match=BROKEN):
        inspect_pdf(broken)
    with pytest.raises(PdfRejected, match=BROKEN):
        validate_pdf_signatures(broken, **trust)


@pytest.mark.parametrize("user_password", ["mat-khau", ""], ids=["user password", "owner password only"])
def test_encrypted_pdf_is_refused(make_pdf, user_password):
    encrypted = make_pdf(owner_password="chu-so-huu", user_password=user_password)
    assert b"/Encrypt" in encrypted
    with pytest.raises(PdfRejected, match=ENCRYPTED):
        inspect_pdf(encrypted)
