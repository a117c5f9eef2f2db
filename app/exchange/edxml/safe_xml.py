"""Parse untrusted package bytes with lxml: no entities, no DTD, no network, a size limit.

A DOCTYPE or ENTITY declaration is refused before libxml2 sees the bytes (and again after parsing, for
encodings a byte search cannot see): an edXML package never needs one, and it is how XXE, billion
laughs and quadratic blow-up attacks arrive. Bytes before the XML declaration (a BOM, whitespace, a
stray prefix some gateways add) are dropped, with a warning when they were more than a BOM/whitespace.
"""
import re

from flask_babel import gettext as _
from lxml import etree

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_DECLARATION = re.compile(rb"<\?xml[\s?]")
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class PackageRefused(ValueError):
    """The package cannot make a document; `reasons` say why, in Vietnamese. Nothing has been written."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not thread-safe, and this one is cheap to make.
    # huge_tree: a scanned attachment is one base64 text node, often past libxml2's 10 MB default; what
    # that limit guards against (entity expansion) is refused before parsing, and the whole package is
    # bounded by max_bytes.
    return etree.XMLParser(resolve_entities=False, load_dtd=False, dtd_validation=False, no_network=True,
                           huge_tree=True, remove_blank_text=False, collect_ids=False)


def parse_untrusted(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, warnings: list[str]) -> etree._Element:
    """The root element of `data`; PackageRefused for oversized, hostile or malformed XML."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError("package data must be bytes")
    if len(data) > max_bytes:
        raise PackageRefused([_("Gói tin lớn %(size)s MB, vượt giới hạn %(limit)s MB.",
                                size=_megabytes(len(data)), limit=_megabytes(max_bytes))])
    data = _strip_leading(bytes(data), warnings)
    if _DTD_MARKERS.search(data):
        raise PackageRefused([_dtd_reason()])
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise PackageRefused([_("Gói tin không phải XML hợp lệ (dòng %(line)s).",
                                line=error.lineno or "?")]) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PackageRefused([_dtd_reason()])
    return root


def _dtd_reason() -> str:
    return _("Gói tin có khai báo DOCTYPE/ENTITY (dấu hiệu tấn công XXE hoặc bom thực thể); "
             "vì an toàn, hệ thống không nhận gói tin này.")


def _strip_leading(data: bytes, warnings: list[str]) -> bytes:
    """Drop what comes before the XML declaration (or the first element when there is none)."""
    for bom in _BOMS[1:]:
        if data.startswith(bom):
            return data  # UTF-16: libxml2 reads the BOM itself; a byte search below would misread it
    match = _DECLARATION.search(data, 0, 4096)
    start = match.start() if match else data.find(b"<", 0, 4096)
    if start <= 0:
        return data
    leading = data[:start]
    if leading.startswith(_BOMS[0]):
        leading = leading[len(_BOMS[0]):]
    if leading.strip():
        warnings.append(_("Có %(count)s byte lạ trước khai báo XML; đã bỏ qua.", count=len(leading)))
    return data[start:]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
