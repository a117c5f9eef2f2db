"""Each embedded signature gets one verdict: Hợp lệ, Không xác định or Không hợp lệ, with the reason."""
import dataclasses
import json
import re
import warnings
from datetime import datetime, timezone
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from app.signing import validation
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.signing.roles import signature_role
from app.signing.validation import validate_pdf_signatures, verdicts_reused

from ..call_count import count_calls

TEXT = "Cong van so 15"


@pytest.fixture(scope="module")
def signed_pdf(make_pdf, person):
    return sign_pdf(make_pdf(TEXT, "Trang hai"), person, reason="Phê duyệt")


def rewrite_first_page(pdf_bytes: bytes, text: str) -> bytes:
    """Append a revision that points page 1 at a new content stream: what a forger would do."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(
        generic.StreamObject(stream_data=f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()))
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_person_signature_is_valid_with_names_and_time(make_pdf, person, trust):
    before = datetime.now(timezone.utc).replace(microsecond=0)
    signed = sign_pdf(make_pdf(TEXT), person)
    after = datetime.now(timezone.utc)

    [verdict] = validate_pdf_signatures(signed, **trust)

    assert verdict.verdict == "valid" and verdict.reason is None
    assert str(verdict.label) == "Hợp lệ"
    assert verdict.field_name == "Signature1"
    assert verdict.signer_name == "Nguyễn Văn An"
    assert verdict.signer_organisation == "Sở Nội vụ tỉnh Yên Bái (DEMO)"
    assert before <= datetime.fromisoformat(verdict.signing_time) <= after
    assert verdict.signing_time.endswith("+00:00") and verdict.timestamp_time is None
    assert (verdict.coverage, verdict.modification_level) == ("ENTIRE_FILE", "NONE")
    assert verdict.trust_anchor == "Liên Thông DEMO Root CA"
    assert json.loads(json.dumps(verdict.as_data()))["signer_name"] == "Nguyễn Văn An"


def test_signature_from_an_untrusted_root_is_unknown(signed_pdf, demo_pki, tmp_path):
    other = ensure_demo_pki(tmp_path / "another-install")
    for roots, crls in (([], demo_pki.crls()), ([other.trust_root], other.crls())):
        with warnings.catch_warnings():
            # certvalidator warns when it falls back to the operating system's roots: never do that.
            warnings.simplefilter("error", DeprecationWarning)
            [verdict] = validate_pdf_signatures(signed_pdf, trust_roots=roots, crls=crls)
        assert verdict.verdict == "unknown"
        assert verdict.reason == "Chứng thư số không thuộc nguồn tin cậy đã cấu hình."
        assert verdict.trust_anchor is None and verdict.signer_name == "Nguyễn Văn An"


def test_signature_whose_revocation_status_is_unavailable_is_unknown(signed_pdf, demo_pki):
    # The demo certificates name a CRL; without it (and without fetching) nobody can say they are not revoked.
    [verdict] = validate_pdf_signatures(signed_pdf, trust_roots=[demo_pki.trust_root], crls=[])
    assert verdict.verdict == "unknown"
    assert "thu hồi" in verdict.reason


def test_bytes_changed_inside_the_signed_range_make_it_invalid(signed_pdf, trust):
    assert signed_pdf.count(f"({TEXT})".encode()) == 1
    tampered = signed_pdf.replace(f"({TEXT})".encode(), b"(Cong van so 16)")

    [verdict] = validate_pdf_signatures(tampered, **trust)

    assert verdict.verdict == "invalid"
    assert verdict.reason == "Nội dung tệp đã bị thay đổi sau khi ký."


def test_incremental_update_rewriting_a_page_makes_it_invalid(signed_pdf, trust):
    forged = rewrite_first_page(signed_pdf, "Cong van so 99")

    [verdict] = validate_pdf_signatures(forged, **trust)

    assert verdict.verdict == "invalid"
    assert verdict.modification_level == "OTHER" and verdict.coverage == "ENTIRE_REVISION"
    assert verdict.reason == "Tệp đã bị sửa đổi sau khi ký bằng một bản cập nhật không được phép."


def test_unreadable_signature_is_invalid_not_an_error(signed_pdf, trust):
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed_pdf)
    broken = signed_pdf[:contents.start(1)] + b"0" * len(contents.group(1)) + signed_pdf[contents.end(1):]

    [verdict] = validate_pdf_signatures(broken, **trust)

    assert verdict.verdict == "invalid" and verdict.field_name == "Signature1"
    assert verdict.reason == "Chữ ký bị lỗi cấu trúc hoặc có định dạng không được hỗ trợ."


def test_person_then_organisation_gives_two_valid_verdicts_in_signing_order(signed_pdf, organisation, trust):
    sealed = sign_pdf(signed_pdf, organisation, field_name="Signature2")

    first, second = validate_pdf_signatures(sealed, **trust)

    assert (first.field_name, first.verdict, first.signer_name) == ("Signature1", "valid", "Nguyễn Văn An")
    assert (first.coverage, first.modification_level) == ("ENTIRE_REVISION", "FORM_FILLING")
    assert (second.field_name, second.verdict, second.signer_name) == (
        "Signature2", "valid", "Sở Nội vụ tỉnh Yên Bái")
    assert second.coverage == "ENTIRE_FILE"
    # Fields named by other software say nothing of whose signature it is: the certificates do.
    assert (first.signer_kind, second.signer_kind) == ("person", "organisation")
    assert [signature_role(v.as_data()) for v in (first, second)] == ["Người ký", "Con dấu cơ quan"]
    assert signature_role({"field_name": "ChuKyCoQuan"}) == "Con dấu cơ quan"
    assert signature_role({"field_name": "Signature3"}) == "Chữ ký số"



def test_a_revoked_signer_beside_a_valid_seal_is_still_reported_revoked(make_pdf, tmp_path):
    pki = ensure_demo_pki(tmp_path / "revoking")
    person = pki.issue_person("nguoiky", "Người Ký", "Sở Thử")
    seal = pki.issue_organisation("000.00.99.H61", "Sở Thử")
    sealed = sign_pdf(sign_pdf(make_pdf(TEXT), person), seal, field_name="Signature2")
    pki.revoke(person.certificate)

    # Each signature's chain is checked on its own: the seal's good chain (same CAs, same CRLs) vouches
    # nothing for the signer's certificate, whichever of the two is judged first.
    for pdf in (sealed, sign_pdf(sign_pdf(make_pdf(TEXT), seal), person, field_name="Signature2")):
        verdicts = {v.signer_kind: v for v in validate_pdf_signatures(
            pdf, trust_roots=[pki.trust_root], crls=pki.crls())}
        assert (verdicts["person"].verdict, verdicts["person"].reason) == ("unknown", "Chứng thư số đã bị thu hồi.")
        assert verdicts["organisation"].verdict == "valid"
        assert verdicts["organisation"].trust_anchor == "Liên Thông DEMO Root CA"


def test_an_untrusted_signer_beside_a_trusted_seal_is_still_unknown(make_pdf, organisation, trust, tmp_path):
    stranger = ensure_demo_pki(tmp_path / "another-install").issue_person("nguoila", "Người Lạ", "Sở Khác")
    for first, second in ((stranger, organisation), (organisation, stranger)):
        pdf = sign_pdf(sign_pdf(make_pdf(TEXT), first), second, field_name="Signature2")

        verdicts = {v.signer_kind: v for v in validate_pdf_signatures(pdf, **trust)}

        assert verdicts["person"].verdict == "unknown" and verdicts["person"].trust_anchor is None
        assert verdicts["person"].reason == "Chứng thư số không thuộc nguồn tin cậy đã cấu hình."
        assert verdicts["organisation"].verdict == "valid"


def test_a_signature_cannot_borrow_the_chain_another_signature_carries(make_pdf, person, organisation, trust):
    # Certificates a signature carries only help build its own path: one that omits its issuing CA stays
    # unknown, as it is alone, even when the seal beside it carries that CA. A validation context shared by
    # the file's signatures would register the seal's certificates and turn it valid.
    chainless = dataclasses.replace(person, ca_chain=())
    [alone] = validate_pdf_signatures(sign_pdf(make_pdf(TEXT), chainless), **trust)
    pdf = sign_pdf(sign_pdf(make_pdf(TEXT), organisation), chainless, field_name="Signature2")

    seal, signer = validate_pdf_signatures(pdf, **trust)

    assert seal.verdict == "valid"
    assert (signer.verdict, signer.reason) == (alone.verdict, alone.reason) == (
        "unknown", "Chứng thư số không thuộc nguồn tin cậy đã cấu hình.")

def test_unsigned_pdf_has_no_verdicts(make_pdf, trust):
    assert validate_pdf_signatures(make_pdf(), **trust) == []


@pytest.fixture
def judged(monkeypatch):
    """How many times a file's signatures were really judged (pyHanko opened it), whatever the memo did."""
    return count_calls(monkeypatch, validation, "_signatures_in")


def test_within_one_operation_the_same_bytes_and_trust_are_judged_once(signed_pdf, organisation, demo_pki, trust,
                                                                        judged):
    sealed = sign_pdf(signed_pdf, organisation, field_name="Signature2")
    with verdicts_reused():
        first = validate_pdf_signatures(signed_pdf, **trust)
        with verdicts_reused():  # an inner block shares the outer one's memo
            again = validate_pdf_signatures(signed_pdf, **trust, expected_fields=("Signature1", "Missing"))
        assert len(judged) == 1
        assert again[:1] == first and [(v.field_name, v.verdict) for v in again[1:]] == [("Missing", "unsigned")]
        # Other bytes, other roots, other CRLs or another revocation mode are judged afresh.
        validate_pdf_signatures(sealed, **trust)
        validate_pdf_signatures(signed_pdf, trust_roots=[], crls=trust["crls"])
        [unknown] = validate_pdf_signatures(signed_pdf, trust_roots=trust["trust_roots"], crls=[])
        validate_pdf_signatures(signed_pdf, **trust, revocation_mode="soft-fail")
        assert len(judged) == 5 and unknown.verdict == "unknown"
        forged = rewrite_first_page(signed_pdf, "Cong van so 99")
        assert validate_pdf_signatures(forged, **trust)[0].verdict == "invalid" and len(judged) == 6
    validate_pdf_signatures(signed_pdf, **trust)  # outside the operation: judged every time
    validate_pdf_signatures(signed_pdf, **trust)
    assert len(judged) == 8
