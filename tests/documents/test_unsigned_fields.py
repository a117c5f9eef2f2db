"""A document issued here must carry the signer's and the agency's signatures: a missing one shows "Chưa ký"."""
import io
from pathlib import Path

from app.documents.metadata import parse_metadata
from app.documents.receiving import receive_document
from app.filestore import store_pdf
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.signing.visible import AGENCY_FIELD, SIGNER_FIELD

from ..pdf_samples import minimal_pdf
from .conftest import metadata_values


def _signed_by_the_signer_only(app) -> bytes:
    person = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_person(
        "giam.doc", "Lê Văn Giám Đốc", "Sở Nội vụ thử")
    return sign_pdf(minimal_pdf("Van ban da ban hanh"), person, field_name=SIGNER_FIELD)


def _delivered(app, office, bring_in, pdf: bytes):
    source = bring_in(office, number="900").document  # stands for the sender's issued document
    stored = store_pdf(io.BytesIO(pdf), "cv.pdf", files_dir=app.config["FILES_DIR"], max_bytes=20 << 20)
    with app.test_request_context():
        return receive_document(agency_id=office.agency.id, metadata=parse_metadata(metadata_values(number="901")),
                                main_file=stored, origin="internal", source_document_id=source.id,
                                refuse_broken_signatures=False).document


def test_a_delivered_copy_without_the_agency_signature_says_chua_ky(app, office, bring_in, login, client):
    document = _delivered(app, office, bring_in, _signed_by_the_signer_only(app))
    by_field = {v["field_name"]: v["verdict"] for v in document.signature_verdicts}
    assert by_field == {SIGNER_FIELD: "valid", AGENCY_FIELD: "unsigned"}
    login(office.clerk)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    # The missing signature is named by its role, never by the PDF field's name.
    assert "Chưa ký" in page and "Con dấu cơ quan:" in page and AGENCY_FIELD not in page
    rechecked = client.get(f"/van-ban/{document.id}?kiem_tra=1").get_data(as_text=True)
    assert "Chưa ký" in rechecked
    report = client.get(f"/van-ban/{document.id}/chu-ky").get_data(as_text=True)
    assert "Chưa ký" in report and "<td>Con dấu cơ quan</td>" in report and "<td>Người ký</td>" in report
    assert AGENCY_FIELD not in report and SIGNER_FIELD not in report


def test_a_paper_document_expects_no_particular_signature(app, office, bring_in):
    document = bring_in(office, pdf=_signed_by_the_signer_only(app)).document
    assert [v["verdict"] for v in document.signature_verdicts] == ["valid"]
