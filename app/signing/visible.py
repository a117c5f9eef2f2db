"""Visible signatures on an outgoing document: signer's image, number and date, then the agency seal.

The pipeline of docs/SIGNING.md:
1. render print/official_letter.html with `number_fields=True` and `render_pdf_document(..., pdf_forms=True)`:
   the number and the date become empty AcroForm text fields "so" and "ngay";
2. `prepare_for_signing`: both signature fields pre-created in one update ("ChuKyNguoiKy" on the
   #sig-block rectangle, "ChuKyCoQuan" covering its left third);
3. `sign_as_signer`: the signer's image, PAdES, SHA-256;
4. `fill_number_and_date`: /V plus generated appearance streams (TeX Gyre Termes), FORM_FILLING for
   the signer's signature;
5. `sign_as_agency`: only once the signer's signature validates; the red seal, locking every field
   (`fill_and_seal_unjudged` + `require_valid_signer`: the same, judging the signer's signature in the sealed file).
Each step is one incremental update, except where two run on one writer, in one update:
`prepare_and_sign_as_signer` (2 and 3, when the server holds the key; a key held elsewhere signs the
prepared bytes) and `fill_and_seal_unjudged` (4 and 5). The verdicts are the same either way (the
signer's: FORM_FILLING in the sealed file, the seal's: NONE over the entire file), and every later
validation has one revision fewer to compare.
"""
import re
import unicodedata
from functools import lru_cache
from io import BytesIO

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask_babel import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, SigFieldSpec, SigSeedSubFilter
from pyhanko.stamp import StaticStampStyle

from app.rendering.pdf import SignatureBlock

from . import images
from .signer import SignerCredentials
from .validation import validate_pdf_signatures

SIGNER_FIELD = "ChuKyNguoiKy"
AGENCY_FIELD = "ChuKyCoQuan"
NUMBER_FIELD = "so"
DATE_FIELD = "ngay"
READ_ONLY = 1  # bit 1 of a field's /Ff (PDF 32000-1, table 221)

class SignerSignatureNotValid(ValueError):
    """The agency may not seal a document whose signer's signature does not validate."""


def agency_box(signature_box: SignatureBlock) -> tuple[float, float, float, float]:
    """The seal's square (x1, y1, x2, y2): as high as the signer's box, vertically centred on it, its
    right edge one third into the signer's box."""
    side = signature_box.height_pt
    right = signature_box.x_pt + signature_box.width_pt / 3
    bottom = signature_box.y_pt + (signature_box.height_pt - side) / 2
    return (right - side, bottom, right, bottom + side)


def _field_names(writer) -> dict[str, generic.IndirectObject]:
    """Terminal AcroForm fields by full name (top-level fields; WeasyPrint writes no hierarchy)."""
    try:
        acroform = writer.root["/AcroForm"]
    except KeyError:
        return {}
    return {str(ref.get_object().get("/T")): ref for ref in acroform.get("/Fields", ())}


def prepare_for_signing(pdf_bytes: bytes, *, signature_box: SignatureBlock,
                        number_fields: tuple[str, ...] = (NUMBER_FIELD, DATE_FIELD)) -> bytes:
    """Pre-create the signer's and the agency's signature fields in ONE incremental update.

    `number_fields` must exist as text fields (filled later by `fill_number_and_date`); ValueError
    otherwise. /NeedAppearances (WeasyPrint sets it) is removed: every appearance is generated here,
    and a viewer regenerating appearances in a signed file would report changes.
    """
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    _prepare_fields(writer, signature_box, number_fields)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _prepare_fields(writer: IncrementalPdfFileWriter, box: SignatureBlock, number_fields: tuple[str, ...]) -> None:
    existing = _field_names(writer)
    missing = [name for name in number_fields
               if name not in existing or existing[name].get_object().get("/FT") != "/Tx"]
    if missing:
        raise ValueError(f"text fields missing: {missing}")
    for name in number_fields:
        # Read-only before any signature: viewers then neither highlight the number and date as blue boxes to
        # fill nor let a reader type into a released letter; filling /V and /AP programmatically still works.
        text_field = existing[name].get_object()
        text_field["/Ff"] = generic.NumberObject(int(text_field.get("/Ff", 0)) | READ_ONLY)
        writer.update_container(text_field)
    fields.append_signature_field(writer, SigFieldSpec(
        sig_field_name=SIGNER_FIELD, on_page=box.page_index,
        box=(box.x_pt, box.y_pt, box.x_pt + box.width_pt, box.y_pt + box.height_pt)))
    # The seal locks every field of the document once applied: nothing is filled in after it.
    fields.append_signature_field(writer, SigFieldSpec(
        sig_field_name=AGENCY_FIELD, on_page=box.page_index, box=agency_box(box),
        field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL)))
    acroform = writer.root["/AcroForm"]
    if "/NeedAppearances" in acroform:
        del acroform["/NeedAppearances"]
        writer.update_container(acroform)


def _signature_metadata(field: str, reason: str | None = None, *, tight: bool = False) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256", reason=reason,
                                        subfilter=SigSeedSubFilter.PADES, tight_size_estimates=tight)


def _exact_size_known(credentials, timestamper) -> bool:
    """True when the signature container's size is known before signing: an RSA signature is exactly as long as
    the key, and without a timestamp token nothing else varies. The reserved /Contents is then not padded by half
    again (pyHanko's margin for a TSA's answer): every later reading of the file parses that hex string."""
    return timestamper is None and isinstance(getattr(credentials, "private_key", None), RSAPrivateKey)


def _sign_with_image(writer: IncrementalPdfFileWriter, credentials: SignerCredentials, png: bytes, field: str,
                     timestamper) -> bytes:
    """`writer`'s pending update (if any) and the signature, in one incremental update."""
    style = StaticStampStyle(background=images.PrecompressedImage(png), border_width=0,
                             background_opacity=1.0)
    metadata = _signature_metadata(field, tight=_exact_size_known(credentials, timestamper))
    pdf_signer = SizeRememberingSigner(metadata, signer=credentials.signer,
                                       stamp_style=style, timestamper=timestamper)
    return pdf_signer.sign_pdf(writer).getvalue()


# Signature container sizes pyHanko estimated, by what the size depends on: the signing certificate and the
# chain embedded with it, the timestamper (its token's size), the digest, tight or padded, revocation info.
_estimated_sizes: dict[tuple, int] = {}


class SizeRememberingSigner(signers.PdfSigner):
    """A PdfSigner that estimates the signature container's size once per key, chain and timestamper.

    pyHanko estimates it for every signature by making a whole dry-run CMS signature (and timestamp); the
    same certificate, chain and timestamper give the same size each time, so the first estimate is kept.
    """

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        estimate = session.estimate_signature_container_size
        signer = self.signer

        async def remembered(validation_info, tight=False):
            key = (signer.signing_cert.sha256, tuple(sorted(c.sha256 for c in signer.cert_registry)),
                   session.timestamper, session.md_algorithm, session.use_pades, tight,
                   validation_info is not None and validation_info.adobe_revinfo_attr is not None)
            if key not in _estimated_sizes:
                _estimated_sizes[key] = await estimate(validation_info, tight=tight)
            return _estimated_sizes[key]

        session.estimate_signature_container_size = remembered
        return session


def sign_as_signer(pdf: bytes, credentials: SignerCredentials, *, image_png: bytes,
                   field: str = SIGNER_FIELD, timestamper=None) -> bytes:
    """The signer's visible PAdES approval signature (B-B, B-T with `timestamper`), image centred."""
    return _sign_with_image(IncrementalPdfFileWriter(BytesIO(pdf)), credentials, image_png, field, timestamper)


def prepare_and_sign_as_signer(pdf_bytes: bytes, credentials: SignerCredentials, *, signature_box: SignatureBlock,
                               image_png: bytes, timestamper=None) -> bytes:
    """`prepare_for_signing` then `sign_as_signer` in ONE incremental update: the signature covers the
    fields' creation, so the file is parsed and written once and later validations compare one revision less."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    _prepare_fields(writer, signature_box, (NUMBER_FIELD, DATE_FIELD))
    return _sign_with_image(writer, credentials, image_png, SIGNER_FIELD, timestamper)


def _da_font(writer, widget) -> tuple[str, float, generic.DictionaryObject]:
    """(resource name, size, font dictionary) of the field's /DA, looked up in the AcroForm's /DR."""
    match = re.search(rb"/([^\s/]+)\s+([\d.]+)\s+Tf", str(widget.get("/DA", "")).encode("latin-1"))
    if match is None:
        raise ValueError("text field without a font in /DA")
    name = match.group(1).decode("ascii")
    font = writer.root["/AcroForm"]["/DR"]["/Font"][pdf_name("/" + name)]
    return name, float(match.group(2)), font


def _glyph_metrics(font: generic.DictionaryObject) -> tuple[dict[int, int], dict[int, float]]:
    """(code point → glyph id, glyph id → width in 1/1000 em) of an embedded Type0/Identity-H font.

    WeasyPrint embeds a form field's font whole (every glyph, widths and ToUnicode; the letter's fields
    use TeX Gyre Termes cut to app.rendering.fonts.FIELD_CHARACTERS), and its codes are glyph ids, so
    appearance text can be written with it without shaping (Vietnamese letters are precomposed in NFC
    and each has its own glyph).
    """
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"]
    stream = next(descriptor[key] for key in ("/FontFile3", "/FontFile2", "/FontFile") if key in descriptor)
    return _font_file_metrics(stream.data)


# Keyed by the font file's bytes: every letter embeds the same TeX Gyre Termes, and reading its tables with
# fontTools (~10 ms) was done for each filled field. The maps are only read; a different file is a new key.
@lru_cache(maxsize=4)
def _font_file_metrics(font_file: bytes) -> tuple[dict[int, int], dict[int, float]]:
    from fontTools.ttLib import TTFont

    tt = TTFont(BytesIO(font_file))
    cmap = tt.getBestCmap()
    order = {glyph_name: index for index, glyph_name in enumerate(tt.getGlyphOrder())}
    units = tt["head"].unitsPerEm
    codes = {code_point: order[glyph_name] for code_point, glyph_name in cmap.items()}
    widths = {order[name]: advance * 1000 / units for name, (advance, _lsb) in tt["hmtx"].metrics.items()}
    return codes, widths


def _text_appearance(writer, widget, text: str, *, align_right: bool = False) -> generic.StreamObject:
    """A form XObject showing `text` in the field's own /DA font on the surrounding line's baseline
    (the input box reaches 0.25 em below it, see input.lt-field in print/official_letter.html), left- or right-aligned."""
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    width, height = abs(x2 - x1), abs(y2 - y1)
    name, size, font = _da_font(writer, widget)
    codes, widths = _glyph_metrics(font)
    text = unicodedata.normalize("NFC", text)
    missing = [character for character in text if ord(character) not in codes]
    if missing:
        raise ValueError(f"no glyph for {missing!r} in the field's font")
    glyphs = b"".join(codes[ord(character)].to_bytes(2, "big") for character in text)
    baseline = 0.25 * size
    text_width = sum(widths.get(codes[ord(character)], 500) for character in text) * size / 1000
    left = max(width - text_width, 0) if align_right else 0
    ops = (b"/Tx BMC q BT 0 g /%s %.2f Tf %.2f %.2f Td <%s> Tj ET Q EMC"
           % (name.encode("ascii"), size, left, baseline, glyphs.hex().encode("ascii")))
    resources = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
        {pdf_name("/" + name): writer.root["/AcroForm"]["/DR"]["/Font"].raw_get(pdf_name("/" + name))})})
    return generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, width, height)),
        pdf_name("/Resources"): resources}, stream_data=ops)


def fill_number_and_date(pdf: bytes, *, number_text: str, date_text: str, title: str | None = None) -> bytes:
    """Set the "so" and "ngay" fields' values and appearances in one incremental update.

    Only /V and /AP of the two fields change, so the signer's signature stays valid (pyHanko:
    modification level FORM_FILLING). Appearances use the field's own font (TeX Gyre Termes cut to
    FIELD_CHARACTERS, embedded whole for the form), so no viewer depends on /NeedAppearances; a character
    outside it raises ValueError. `title`, once the number is known, becomes the document's Title (the
    /Info dictionary may change after a signature).
    """
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _fill_number_and_date(writer, number_text, date_text, title)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _fill_number_and_date(writer: IncrementalPdfFileWriter, number_text: str, date_text: str,
                          title: str | None) -> None:
    if title:
        writer.document_meta.title = title
    by_name = _field_names(writer)
    values = {NUMBER_FIELD: number_text, DATE_FIELD: date_text}
    missing = [name for name in values if name not in by_name]
    if missing:
        raise ValueError(f"text fields missing: {missing}")
    for name, text in values.items():
        widget = by_name[name].get_object()
        appearance = _text_appearance(writer, widget, text, align_right=name == NUMBER_FIELD)
        widget["/V"] = generic.TextStringObject(text)
        widget["/AP"] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(appearance)})
        writer.update_container(widget)


def require_valid_signer(verdicts, field: str = SIGNER_FIELD) -> None:
    """SignerSignatureNotValid unless the verdict on `field` among `verdicts` (SignatureVerdicts) is "valid"."""
    verdict = next((verdict for verdict in verdicts if verdict.field_name == field), None)
    if verdict is None:
        raise SignerSignatureNotValid(_("Văn bản chưa có chữ ký số của người ký; không thể đóng dấu."))
    if verdict.verdict != "valid":
        raise SignerSignatureNotValid(
            _("Chữ ký số của người ký không hợp lệ (%(reason)s); không thể đóng dấu.",
              reason=verdict.reason or verdict.verdict))


def sign_as_agency(pdf: bytes, credentials: SignerCredentials, *, seal_png: bytes, trust_roots,
                   crls=(), field: str = AGENCY_FIELD, signer_field: str = SIGNER_FIELD,
                   timestamper=None) -> bytes:
    """The agency's visible seal signature; SignerSignatureNotValid unless the signer's signature
    in `signer_field` is judged "valid" first. The field's /Lock (FieldMDP ALL) locks every field."""
    require_valid_signer(validate_pdf_signatures(pdf, trust_roots=trust_roots, crls=crls), signer_field)
    return _sign_with_image(IncrementalPdfFileWriter(BytesIO(pdf)), credentials, seal_png, field, timestamper)


def fill_and_seal_unjudged(pdf: bytes, credentials: SignerCredentials, *, number_text: str, date_text: str,
                           seal_png: bytes, title: str | None = None, timestamper=None) -> bytes:
    """`fill_number_and_date` then the agency's seal in ONE incremental update (the same ValueErrors), the
    signer's signature not judged first: for a caller that judges the sealed file's signatures anyway and keeps
    it only when `require_valid_signer` passes on those verdicts.

    The filled fields are in the seal's own revision, so its FieldMDP lock has nothing after it to refuse,
    and the signer's signature sees the same changes after it as with two updates: FORM_FILLING. It is valid
    in the sealed file only if it was in the filled one (the same bytes signed, the same certificates), so
    judging it once, after the seal, refuses exactly the files `sign_as_agency` refuses, without a whole
    validation before sealing.
    """
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _fill_number_and_date(writer, number_text, date_text, title)
    return _sign_with_image(writer, credentials, seal_png, AGENCY_FIELD, timestamper)
