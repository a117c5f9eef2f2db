"""Apply an invisible PAdES signature to a PDF (tests and demo data; visible signatures: visible.py)."""
from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from .signer import SignerCredentials


def sign_pdf(pdf_bytes: bytes, credentials: SignerCredentials, *, field_name: str = "Signature1",
             reason: str | None = None, timestamper=None) -> bytes:
    """Return the PDF with one more revision holding a PAdES signature (SHA-256) in `field_name`:
    B-B, or B-T with a `timestamper` (app.signing.timestamping)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    metadata = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, md_algorithm="sha256",
                                            subfilter=SigSeedSubFilter.PADES)
    signed = signers.sign_pdf(writer, metadata, signer=credentials.signer, timestamper=timestamper)
    return signed.getvalue()
