"""Fixtures: one DEMO PKI per test session, its signers, and a generator of small PDFs."""
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from app.signing.demo_pki import ensure_demo_pki

AGENCY_NAME = "Sở Nội vụ tỉnh Yên Bái"


def _make_pdf(*page_texts: str, owner_password: str | None = None, user_password: str = "") -> bytes:
    """Return a PDF, one page per ASCII text; content streams stay uncompressed so tests can find them."""
    writer = PdfFileWriter()
    font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
        pdf_name("/BaseFont"): pdf_name("/Helvetica")}))
    for text in page_texts or ("Xin chao",):
        content = writer.add_object(generic.StreamObject(
            stream_data=f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode("ascii")))
        fonts = generic.DictionaryObject({pdf_name("/F1"): font})
        resources = generic.DictionaryObject({pdf_name("/Font"): fonts})
        writer.insert_page(PageObject(contents=content, media_box=[0, 0, 595, 842], resources=resources))
    if owner_password is not None:
        writer.encrypt(owner_password, user_password)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def make_pdf():
    return _make_pdf


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory):
    return ensure_demo_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def person(demo_pki):
    return demo_pki.issue_person("nguyenvanan", "Nguyễn Văn An", AGENCY_NAME)


@pytest.fixture(scope="session")
def organisation(demo_pki):
    return demo_pki.issue_organisation("000.00.31.H61", AGENCY_NAME)


@pytest.fixture(scope="session")
def trust(demo_pki):
    """Keyword arguments for validate_pdf_signatures that trust the demo PKI."""
    return {"trust_roots": [demo_pki.trust_root], "crls": demo_pki.crls()}
