"""The agency's signature on a separately-filed attachment: top right of page 1, text only (Decree 30).

The text is the main document's số/ký hiệu and the signing time in Vietnam time (ISO 8601, +07:00),
TeX Gyre Termes 10 pt black (Times metrics, full Vietnamese, 1000 units per em so pyHanko spaces it
right). The time is passed in: pyHanko's own stamp time would use the server's zone.
"""
from datetime import datetime
from functools import cache
from io import BytesIO

from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.stamp import TextStampStyle

from app.rendering.fonts import font_files
from app.vietnam_time import VIETNAM

from .signer import SignerCredentials

ATTACHMENT_FIELD = "ChuKyCoQuanPhuLuc"
FONT_SIZE = 10
BOX_WIDTH, BOX_HEIGHT = 170.0, 30.0
# From the page's top right corner: inside a 15 mm right margin and 10 mm from the top edge.
RIGHT_INSET, TOP_INSET = 42.5, 28.35


def attachment_stamp_text(symbol: str, moment: datetime) -> str:
    return f"{symbol}\n{moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()}"


@cache
def _font() -> GlyphAccumulatorFactory:
    # Built once: the factory reads and parses the OTF file (~0.1 s), each signature then subsets it.
    return GlyphAccumulatorFactory(str(font_files()["regular"]), font_size=FONT_SIZE)


def _first_page_box(writer) -> tuple[float, float, float, float]:
    page = writer.root["/Pages"]
    while page.get("/Type") == "/Pages":
        page = page["/Kids"][0].get_object()
    x1, y1, x2, y2 = (float(v) for v in page["/MediaBox"])
    return x1, y1, x2, y2


def sign_attachment(pdf: bytes, credentials: SignerCredentials, *, symbol: str, moment: datetime,
                    timestamper=None) -> bytes:
    """The attachment with the agency's PAdES signature, shown as two lines of text at the top right."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    _x1, _y1, x2, y2 = _first_page_box(writer)
    right, top = x2 - RIGHT_INSET, y2 - TOP_INSET
    fields.append_signature_field(writer, SigFieldSpec(
        sig_field_name=ATTACHMENT_FIELD, on_page=0, box=(right - BOX_WIDTH, top - BOX_HEIGHT, right, top)))
    style = TextStampStyle(
        stamp_text=attachment_stamp_text(symbol, moment), border_width=0, background=None,
        text_box_style=TextBoxStyle(font=_font(), font_size=FONT_SIZE))
    metadata = signers.PdfSignatureMetadata(field_name=ATTACHMENT_FIELD, md_algorithm="sha256",
                                            subfilter=SigSeedSubFilter.PADES)
    return signers.PdfSigner(metadata, signer=credentials.signer, stamp_style=style,
                             timestamper=timestamper).sign_pdf(writer).getvalue()
