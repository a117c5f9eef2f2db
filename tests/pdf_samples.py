"""Small real PDFs written by hand (valid cross-reference table), so document tests need no renderer."""
import subprocess
import unicodedata


def minimal_pdf(text: str = "Van ban thu", pages: int = 1, catalog_extra: str = "",
                claimed_pages: int | None = None) -> bytes:
    """A PDF with `pages` pages of Helvetica text; ASCII text only (the PDF string is not encoded).

    `catalog_extra` goes into the catalogue as written (an /OpenAction, say); `claimed_pages` puts another
    number in the page tree's /Count, as a lying or broken file does."""
    objects = [f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>"]
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages if claimed_pages is None else claimed_pages} >>")
    font_ref = 3 + 2 * pages
    for i in range(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text} - trang {i + 1}) Tj ET".encode()
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {font_ref} 0 R >> >> >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream.decode()}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """The text poppler's pdftotext reads from the PDF (filled form fields included), in NFC."""
    result = subprocess.run(["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True, check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))
