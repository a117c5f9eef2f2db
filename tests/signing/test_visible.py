"""Visible signatures on a Decree 30 letter: signer's image, number and date filled, agency seal."""
import shutil
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from app.rendering.fonts import FIELD_CHARACTERS
from app.rendering.jinja import environment_renderer
from app.rendering.pdf import render_pdf_document, signature_block_position
from app.signing import images, visible
from app.signing.validation import validate_pdf_signatures
from app.signing.visible import SignerSignatureNotValid

from ..rendering.inspect_pdf import embedded_fonts
from .conftest import AGENCY_NAME

LETTER = {
    "parent_agency": "UBND tỉnh Yên Bái",
    "agency_name": "Sở Nội vụ",
    "symbol": "QĐ-SNV",
    "place": "Yên Bái",
    "type_name": "Quyết định",
    "subject": "Về việc ban hành Quy chế công tác văn thư, lưu trữ",
    "paragraphs": ["Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác "
                   "văn thư; theo đề nghị của Chánh Văn phòng Sở."] * 10,
    "recipients": ["Như Điều 3", "Lưu: VT, VP"],
    "authority": "KT. Giám đốc",
    "signer_position": "Phó Giám đốc",
    "signer_name": "Nguyễn Văn An",
}
DATE_TEXT = "ngày 05 tháng 3 năm 2025"


def _render_letter():
    html = environment_renderer()("print/official_letter.html", **LETTER, number_fields=True)
    return render_pdf_document(html, pdf_forms=True)


@pytest.fixture(scope="module")
def pipeline(person, organisation, trust):
    rendered = _render_letter()
    prepared = visible.prepare_for_signing(rendered.pdf, signature_box=signature_block_position(rendered.document))
    signed = visible.sign_as_signer(prepared, person, image_png=images.signature_png("Nguyễn Văn An"))
    filled = visible.fill_number_and_date(signed, number_text="15", date_text=DATE_TEXT)
    final = visible.sign_as_agency(filled, organisation, seal_png=images.seal_png(AGENCY_NAME), **trust)
    return {"prepared": prepared, "signed": signed, "filled": filled, "final": final}


def test_images_are_deterministic_transparent_pngs():
    for make, name in ((images.signature_png, "Trần Thị Bích"), (images.seal_png, "Sở Tư pháp tỉnh Lào Cai")):
        png = make(name)
        assert png.startswith(b"\x89PNG") and png == make.__wrapped__(name)
        image = images.png_image(png)
        assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_both_signatures_valid_after_number_and_date(pipeline, trust):
    verdicts = validate_pdf_signatures(pipeline["final"], **trust)
    assert [(v.field_name, v.verdict) for v in verdicts] == [
        (visible.SIGNER_FIELD, "valid"), (visible.AGENCY_FIELD, "valid")]
    assert verdicts[0].modification_level == "FORM_FILLING"
    assert verdicts[0].signer_name == "Nguyễn Văn An"
    assert verdicts[1].modification_level == "NONE" and verdicts[1].coverage == "ENTIRE_FILE"


def test_fields_are_precreated_in_one_update_on_the_sig_block(pipeline):
    rendered = _render_letter()
    box = signature_block_position(rendered.document)
    writer = IncrementalPdfFileWriter(BytesIO(pipeline["prepared"]))
    assert writer.prev.xrefs.total_revisions == 2  # WeasyPrint's + the single preparation update
    by_name = {str(ref.get_object()["/T"]): ref.get_object() for ref in writer.root["/AcroForm"]["/Fields"]}
    assert {visible.SIGNER_FIELD, visible.AGENCY_FIELD, "so", "ngay"} <= set(by_name)
    signer_rect = [float(v) for v in by_name[visible.SIGNER_FIELD]["/Rect"]]
    assert signer_rect == pytest.approx([box.x_pt, box.y_pt, box.x_pt + box.width_pt, box.y_pt + box.height_pt])
    seal_rect = [float(v) for v in by_name[visible.AGENCY_FIELD]["/Rect"]]
    assert seal_rect[2] == pytest.approx(box.x_pt + box.width_pt / 3)
    assert (seal_rect[1] + seal_rect[3]) / 2 == pytest.approx(box.y_pt + box.height_pt / 2)
    assert "/NeedAppearances" not in writer.root["/AcroForm"]


def test_pdftotext_shows_letter_and_filled_number(pipeline, tmp_path):
    path = tmp_path / "final.pdf"
    path.write_bytes(pipeline["final"])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Căn cứ Nghị định số 30/2020/NĐ-CP" in text
    assert "15/QĐ-SNV" in text
    assert DATE_TEXT in text


def _nss_db_with_root(directory, demo_pki):
    """An NSS database trusting the demo root (pdfsig's trust store), or None without certutil."""
    if shutil.which("certutil") is None:
        return None
    directory.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True,
                   capture_output=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{directory}", "-n", "demo-root", "-t", "C,C,C",
                    "-i", str(demo_pki.directory / "root.pem")], check=True, capture_output=True)
    return directory


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_pdfsig_cross_check(pipeline, demo_pki, tmp_path):
    path = tmp_path / "final.pdf"
    path.write_bytes(pipeline["final"])
    nss = _nss_db_with_root(tmp_path / "nss", demo_pki)
    command = ["pdfsig"] + (["-nssdir", f"sql:{nss}"] if nss else []) + [str(path)]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    assert output.count("Signature is Valid.") == 2, output
    if nss:
        assert output.count("Certificate is Trusted.") == 2, output


def test_agency_refused_when_signer_signature_broken(pipeline, organisation, trust):
    filled = bytearray(pipeline["filled"])
    filled[len(filled) // 3] ^= 0x01  # inside the revision the signer signed
    with pytest.raises(SignerSignatureNotValid, match="không thể đóng dấu"):
        visible.sign_as_agency(bytes(filled), organisation, seal_png=images.seal_png(AGENCY_NAME), **trust)


def test_agency_refused_before_signer_signed(pipeline, organisation, trust):
    with pytest.raises(SignerSignatureNotValid, match="chưa có chữ ký số của người ký"):
        visible.sign_as_agency(pipeline["prepared"], organisation, seal_png=images.seal_png(AGENCY_NAME),
                               **trust)


def test_one_changed_byte_makes_final_invalid(pipeline, trust):
    final = bytearray(pipeline["final"])
    final[len(final) // 4] ^= 0x01
    verdicts = validate_pdf_signatures(bytes(final), **trust)
    assert verdicts and all(v.verdict == "invalid" for v in verdicts)


def test_drawing_on_the_page_after_signing_is_invalid(pipeline, trust):
    writer = IncrementalPdfFileWriter(BytesIO(pipeline["final"]))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    overlay = writer.add_object(generic.StreamObject(stream_data=b"q 1 0 0 rg 100 700 200 50 re f Q"))
    contents = page["/Contents"]
    existing = list(contents) if isinstance(contents, generic.ArrayObject) else [page.raw_get("/Contents")]
    page[pdf_name("/Contents")] = generic.ArrayObject(existing + [overlay])
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    verdicts = validate_pdf_signatures(out.getvalue(), **trust)
    assert [v.verdict for v in verdicts] == ["invalid", "invalid"]



def _text_field_flags(pdf: bytes) -> dict[str, int]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    fields = PdfFileReader(BytesIO(pdf)).root["/AcroForm"]["/Fields"]
    return {str(f.get_object()["/T"]): int(f.get_object().get("/Ff", 0)) for f in fields
            if f.get_object().get("/FT") == "/Tx"}


def test_number_and_date_are_read_only_from_before_the_first_signature(pipeline):
    assert _text_field_flags(_render_letter().pdf) == {"so": 0, "ngay": 0}  # as WeasyPrint makes them
    for stage in ("prepared", "final"):
        flags = _text_field_flags(pipeline[stage])
        assert set(flags) == {"so", "ngay"} and all(v & visible.READ_ONLY for v in flags.values()), (stage, flags)


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_the_title_carries_the_number_and_the_signatures_stay_valid(person, organisation, trust, tmp_path):
    rendered = _render_letter()
    prepared = visible.prepare_for_signing(rendered.pdf, signature_box=signature_block_position(rendered.document))
    signed = visible.sign_as_signer(prepared, person, image_png=images.signature_png("Nguyễn Văn An"))
    filled = visible.fill_number_and_date(signed, number_text="15", date_text=DATE_TEXT,
                                          title="Quyết định số 15/QĐ-SNV")
    final = visible.sign_as_agency(filled, organisation, seal_png=images.seal_png(AGENCY_NAME), **trust)
    path = tmp_path / "final.pdf"
    path.write_bytes(final)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Title:           Quyết định số 15/QĐ-SNV" in info
    verdicts = validate_pdf_signatures(final, **trust)
    assert [(v.field_name, v.verdict, v.modification_level) for v in verdicts] == [
        (visible.SIGNER_FIELD, "valid", "FORM_FILLING"), (visible.AGENCY_FIELD, "valid", "NONE")]


def _revisions(pdf: bytes) -> int:
    return IncrementalPdfFileWriter(BytesIO(pdf)).prev.xrefs.total_revisions


def _verdict_data(pdf: bytes, trust) -> list[dict]:
    """What the document keeps of each verdict, but the signing time (the clock's)."""
    return [{k: v for k, v in verdict.as_data().items() if k != "signing_time"}
            for verdict in validate_pdf_signatures(pdf, **trust)]


def test_one_update_per_step_keeps_the_verdicts_of_one_update_per_change(pipeline, person, organisation, trust):
    rendered = _render_letter()
    signed = visible.prepare_and_sign_as_signer(
        rendered.pdf, person, signature_box=signature_block_position(rendered.document),
        image_png=images.signature_png("Nguyễn Văn An"))
    assert (_revisions(pipeline["signed"]), _revisions(signed)) == (3, 2)
    assert _verdict_data(signed, trust) == _verdict_data(pipeline["signed"], trust)
    assert _text_field_flags(signed) == _text_field_flags(pipeline["signed"])
    # The signer's file either way: made here, or prepared and signed with a key held elsewhere.
    for signer_file in (signed, pipeline["signed"]):
        final = visible.fill_and_seal_unjudged(signer_file, organisation, number_text="15", date_text=DATE_TEXT,
                                               seal_png=images.seal_png(AGENCY_NAME))
        assert _revisions(final) == _revisions(signer_file) + 1
        assert _verdict_data(final, trust) == _verdict_data(pipeline["final"], trust)
    assert [v["modification_level"] for v in _verdict_data(final, trust)] == ["FORM_FILLING", "NONE"]


def test_filling_and_sealing_in_one_update_refuses_what_two_updates_refuse(pipeline, organisation, trust):
    broken = bytearray(pipeline["signed"])
    broken[len(broken) // 3] ^= 0x01  # inside the revision the signer signed
    final = visible.fill_and_seal_unjudged(bytes(broken), organisation, number_text="15", date_text=DATE_TEXT,
                                           seal_png=images.seal_png(AGENCY_NAME))
    with pytest.raises(SignerSignatureNotValid, match="không thể đóng dấu"):
        visible.require_valid_signer(validate_pdf_signatures(final, **trust))
    with pytest.raises(ValueError, match="no glyph"):
        visible.fill_and_seal_unjudged(pipeline["signed"], organisation, number_text="15", date_text="ngày 05€",
                                       seal_png=images.seal_png(AGENCY_NAME))


def test_the_field_font_is_read_once_for_every_fill(pipeline):
    visible._font_file_metrics.cache_clear()
    for number in ("15", "16"):
        visible.fill_number_and_date(pipeline["signed"], number_text=number, date_text=DATE_TEXT)
    info = visible._font_file_metrics.cache_info()
    assert (info.misses, info.hits) == (2, 2)  # two fields in fonts of their own: each font file read once


def test_the_fields_take_every_field_character_and_nothing_else(pipeline, organisation, trust):
    characters = "".join(sorted(FIELD_CHARACTERS))
    filled = visible.fill_number_and_date(pipeline["signed"], number_text="123/QĐ-UBND", date_text=characters)
    final = visible.sign_as_agency(filled, organisation, seal_png=images.seal_png(AGENCY_NAME), **trust)
    assert [(v.verdict, v.modification_level) for v in validate_pdf_signatures(final, **trust)] == [
        ("valid", "FORM_FILLING"), ("valid", "NONE")]
    for outside in ("№", "€", "\u00a0"):
        with pytest.raises(ValueError, match="no glyph"):
            visible.fill_number_and_date(pipeline["signed"], number_text="15", date_text=f"ngày 05{outside}")


def test_the_letter_embeds_subsets_only(pipeline):
    # The form fields' font is embedded whole, so it is a face cut to FIELD_CHARACTERS, never a full
    # face (about a thousand characters, which made the letter several times larger).
    rendered = _render_letter().pdf
    for font in embedded_fonts(pipeline["final"]):
        assert len(font.getBestCmap()) <= len(FIELD_CHARACTERS)
    assert len(rendered) < 90_000


def test_precompressed_image_writes_what_pyhanko_writes(make_pdf):
    from pyhanko.pdf_utils.images import pil_image

    png = images.seal_png(AGENCY_NAME)
    writer = IncrementalPdfFileWriter(BytesIO(make_pdf()))
    image = images.PrecompressedImage(png, writer=writer)
    ours, theirs = image.image_ref.get_object(), pil_image(images.png_image(png), writer).get_object()
    assert image.image_ref is image.image_ref  # one XObject per file, however often the stamp asks
    for stream, other in ((ours, theirs), (ours["/SMask"].get_object(), theirs["/SMask"].get_object())):
        assert {k: v for k, v in stream.items() if k != "/SMask"} == {k: v for k, v in other.items() if k != "/SMask"}
        assert stream.data == other.data


def test_signature_size_estimated_once_per_key(pipeline, person, trust, monkeypatch):
    visible._estimated_sizes.clear()
    dry_runs = []
    real_sign = person.signer.async_sign

    async def counted(*args, **kwargs):
        dry_runs.append(kwargs.get("dry_run", False))
        return await real_sign(*args, **kwargs)

    monkeypatch.setattr(person.signer, "async_sign", counted)
    signed = [visible.sign_as_signer(pipeline["prepared"], person, image_png=images.signature_png("Nguyễn Văn An"))
              for _ in range(2)]
    assert dry_runs == [True, False, False]
    assert len(signed[0]) == len(signed[1])
    assert [v.verdict for v in validate_pdf_signatures(signed[1], **trust)] == ["valid"]
