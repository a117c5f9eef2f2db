"""HTML → PDF with WeasyPrint: bundled fonts, no outside fetching, and the signature block's position.

Free of Flask: callers render the HTML (flask.render_template, or `app.rendering.jinja`) and pass
the string, so this also runs in background workers without an application context.

Cost, measured on the development machine: importing WeasyPrint ~0.4 s; the first render in a
process ~0.1 s (the four fonts are loaded); then a one-page letter ~0.04 s, a two-page one
~0.06 s, and a 200-row register (23 landscape pages) ~1.5 s, table layout being WeasyPrint's
slow part (~60 ms a page). Render registers in a background job, never on the request path of a
list page.
"""
import re
import threading
from functools import cache, lru_cache
from typing import NamedTuple

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from app.rendering.fetcher import RestrictedURLFetcher
from app.rendering.fonts import field_font_face_css, font_face_css

# One font configuration for the process: @font-face files are copied into it once (later
# renders find them cached and fetch nothing), instead of re-reading fontconfig's whole system
# font list on every render.
FONT_CONFIG = FontConfiguration()

# The shared FontConfiguration (a fontconfig config plus a Pango font map, mutated when a font
# face is first added) is not documented as thread-safe, so renders in one process take turns.
# Workers that render in parallel are separate processes, each with its own configuration.
_render_lock = threading.Lock()

# WeasyPrint lays out in CSS px (1/96 in) and writes PDF points (1/72 in) at zoom 1.
PT_PER_PX = 0.75


class RenderedPdf(NamedTuple):
    """The PDF bytes and the laid-out document they were written from (for box positions)."""

    pdf: bytes
    document: weasyprint.Document
    refused_urls: list[str]


class SignatureBlock(NamedTuple):
    """Where the signature image goes, in PDF user space: origin at the page's bottom left, points."""

    page_index: int
    x_pt: float
    y_pt: float
    width_pt: float
    height_pt: float


def render_pdf_document(html: str, *, base_url: str | None = None,
                        url_fetcher: RestrictedURLFetcher | None = None,
                        pdf_forms: bool = False) -> RenderedPdf:
    """Lay out `html` and write it as PDF, keeping the layout for `signature_block_position`.

    Relative URLs resolve against `base_url`, but only the bundled fonts and `data:` images are
    ever fetched (see RestrictedURLFetcher); refused URLs are returned and logged. With
    `pdf_forms`, `<input>` elements become AcroForm fields (e.g. the number and date filled in
    after the signer's signature, see app.signing.visible) and the family FIELD_FONT_FAMILY is
    declared for them: WeasyPrint embeds a field's font whole, which is small only for that family.
    """
    fetcher = url_fetcher if url_fetcher is not None else RestrictedURLFetcher()
    html, style_texts = split_plain_styles(html)
    with _render_lock:
        stylesheets = [_font_faces(), *([_field_font_faces()] if pdf_forms else []),
                       *(_parsed_style(text) for text in style_texts)]
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=FONT_CONFIG, stylesheets=stylesheets, pdf_forms=pdf_forms)
        pdf = document.write_pdf()
    return RenderedPdf(pdf, document, list(fetcher.refused))


# A template's <style> is the same text on every render, yet WeasyPrint would tokenize, validate
# and index it again each time (about a sixth of a one-page letter's render). A bare <style>
# (no attributes) is therefore taken out of the HTML and parsed once per process. It then counts
# as a user stylesheet instead of an author one, which cascades the same here: the only sheets
# below it are the user agent's, and style="" attributes still win. Anything whose meaning
# depends on the document or that origin swap (fetched URLs, @import, @font-face, counter
# styles, !important) stays in the HTML, parsed by WeasyPrint as before.
_PLAIN_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_DOCUMENT_DEPENDENT_CSS = re.compile(r"url\(|@import|@font-face|@counter-style|!\s*important", re.IGNORECASE)


def split_plain_styles(html: str) -> tuple[str, list[str]]:
    """`html` without its self-contained bare <style> elements, and their texts in document order."""
    texts = []

    def take(match: re.Match) -> str:
        if _DOCUMENT_DEPENDENT_CSS.search(match.group(1)):
            return match.group(0)
        texts.append(match.group(1))
        return ""

    return _PLAIN_STYLE.sub(take, html), texts


@cache
def _font_faces() -> weasyprint.CSS:
    """The bundled fonts' @font-face rules, parsed (and their files added to FONT_CONFIG) once."""
    return weasyprint.CSS(string=font_face_css(), font_config=FONT_CONFIG, url_fetcher=RestrictedURLFetcher())


@cache
def _field_font_faces() -> weasyprint.CSS:
    """The form fields' @font-face rules, parsed (and their subset faces made and added) once."""
    return weasyprint.CSS(string=field_font_face_css(), font_config=FONT_CONFIG,
                          url_fetcher=RestrictedURLFetcher(allowed_files=()))


@lru_cache(maxsize=32)
def _parsed_style(text: str) -> weasyprint.CSS:
    """A template's style text, parsed once; it fetches nothing (see split_plain_styles)."""
    return weasyprint.CSS(string=text, font_config=FONT_CONFIG, url_fetcher=RestrictedURLFetcher(allowed_files=()))


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF for `html`, rendered with the bundled fonts and nothing fetched from outside."""
    return render_pdf_document(html, base_url=base_url).pdf


def signature_block_position(document: weasyprint.Document, element_id: str = "sig-block") -> SignatureBlock:
    """Page and rectangle of the element with `element_id` (the area reserved for the signature).

    Reads WeasyPrint's private box tree (`Page._page_box`), so WeasyPrint is pinned and a test
    covers this. The block may sit on any page, not necessarily the last. Raises LookupError when
    the element is absent and ValueError when it is split across pages (a stamp cannot cover it).
    """
    found = []
    for page_index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is not None and element.get("id") == element_id:
                # Pre-order: the first box is the element's own; anonymous boxes inside it share
                # the element and come after.
                found.append((page_index, page, box))
                break
    if not found:
        raise LookupError(f"no element with id {element_id!r} in the document")
    if len(found) > 1:
        raise ValueError(f"#{element_id} is split over pages {[index for index, _, _ in found]}")
    page_index, page, box = found[0]
    width = box.border_width() * PT_PER_PX
    height = box.border_height() * PT_PER_PX
    x = box.border_box_x() * PT_PER_PX
    # CSS y grows downwards from the top edge; PDF y grows upwards from the bottom edge.
    y = page.height * PT_PER_PX - box.border_box_y() * PT_PER_PX - height
    return SignatureBlock(page_index, x, y, width, height)
