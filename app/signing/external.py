"""Interrupted signing, for keys held elsewhere (a USB token behind a browser plug-in, a remote signing
service): the server prepares the PDF and hands out what to sign; the key holder returns the raw
signature; the server finishes the PAdES signature.

Only the signed attributes travel: their DER (to sign with "sign data") and its SHA-256 (for "sign
hash" interfaces). The state between the two calls is plain data (the prepared PDF, the reserved
byte range, the document digest, the signed attributes), kept by the caller and given back.
"""
import asyncio
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import load_der_x509_certificate
from flask_babel import gettext as _
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InvalidCertificateError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import images

DIGEST = "sha256"


@dataclass(frozen=True)
class PreparedSignature:
    """What the key holder must sign, and what the server needs to finish."""

    pdf: bytes  # the document with the signature placeholder
    reserved_start: int
    reserved_end: int
    document_digest: bytes
    signed_attributes: bytes  # DER: what is signed
    certificate: bytes  # DER of the signer's certificate
    chain: tuple[bytes, ...] = ()


class ExternalSignatureRefused(ValueError):
    """The returned signature does not match the prepared attributes and the certificate."""


class CertificateRefused(ValueError):
    """The certificate may not sign here; the message says why, in Vietnamese."""


def check_certificate(certificate_der: bytes, chain_der: tuple[bytes, ...], *, trust_roots, crls) -> x509.Certificate:
    """The certificate, once it is known to chain to a configured root, be in force, unrevoked (by the
    CRLs held) and allowed to sign; CertificateRefused otherwise."""
    try:
        certificate = x509.Certificate.load(certificate_der)
        chain = [x509.Certificate.load(c) for c in chain_der]
        certificate.native  # parse it all now: a malformed certificate is refused here, not later
    except ValueError:
        raise CertificateRefused(_("Chứng thư số gửi lên không đọc được.")) from None
    context = ValidationContext(trust_roots=trust_roots, crls=crls, allow_fetching=False)
    validator = CertificateValidator(certificate, intermediate_certs=chain, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except RevokedError:
        raise CertificateRefused(_("Chứng thư số đã bị thu hồi.")) from None
    except InvalidCertificateError as error:
        raise CertificateRefused(_("Chứng thư số không dùng để ký được (%(reason)s).", reason=str(error))) from None
    except (PathBuildingError, PathValidationError):
        raise CertificateRefused(_("Chứng thư số không thuộc nguồn tin cậy đã cấu hình, hoặc đã hết hạn.")) from None
    return certificate


def _signer(certificate: x509.Certificate, chain: tuple[x509.Certificate, ...], value: bytes | None):
    registry = SimpleCertificateStore()
    registry.register_multiple(chain)
    public_key = certificate.public_key
    size = (public_key.bit_size // 8) if public_key.algorithm == "rsa" else 72
    return signers.ExternalSigner(signing_cert=certificate, cert_registry=registry,
                                  signature_value=value if value is not None else bytes(size))


def prepare(pdf: bytes, *, field: str, certificate_der: bytes, chain_der: tuple[bytes, ...] = (),
            image_png: bytes | None = None, timestamper=None) -> PreparedSignature:
    """Allocate the signature in `field` (pre-created and visible) and compute the signed attributes."""
    certificate = x509.Certificate.load(certificate_der)
    chain = tuple(x509.Certificate.load(c) for c in chain_der)
    signer = _signer(certificate, chain, None)
    style = (StaticStampStyle(background=PdfImage(images.png_image(image_png)), border_width=0,
                              background_opacity=1.0) if image_png else None)
    metadata = signers.PdfSignatureMetadata(field_name=field, md_algorithm=DIGEST, subfilter=SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=style, timestamper=timestamper)

    async def run():
        digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            IncrementalPdfFileWriter(BytesIO(pdf)))
        attributes = await signer.signed_attrs(digest.document_digest, DIGEST, use_pades=True)
        return digest, output, attributes

    digest, output, attributes = asyncio.run(run())
    return PreparedSignature(output.getvalue(), digest.reserved_region_start, digest.reserved_region_end,
                             digest.document_digest, attributes.dump(), certificate_der, tuple(chain_der))


def check_signature_value(prepared: PreparedSignature, value: bytes) -> None:
    """Refuse a value that the certificate's key did not make over the signed attributes."""
    public_key = load_der_x509_certificate(prepared.certificate).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(value, prepared.signed_attributes, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(value, prepared.signed_attributes, ec.ECDSA(hashes.SHA256()))
        else:
            raise ExternalSignatureRefused("unsupported key type")
    except InvalidSignature:
        raise ExternalSignatureRefused("signature does not match") from None


def finish(prepared: PreparedSignature, value: bytes, *, timestamper=None) -> bytes:
    """The signed PDF: the CMS built around `value` (checked first) written into the placeholder."""
    check_signature_value(prepared, value)
    certificate = x509.Certificate.load(prepared.certificate)
    chain = tuple(x509.Certificate.load(c) for c in prepared.chain)
    signer = _signer(certificate, chain, value)
    digest = PreparedByteRangeDigest(prepared.document_digest, prepared.reserved_start, prepared.reserved_end)
    output = BytesIO(prepared.pdf)

    async def run():
        signed_data = await signer.async_sign_prescribed_attributes(
            DIGEST, signed_attrs=cms.CMSAttributes.load(prepared.signed_attributes), timestamper=timestamper)
        await PdfTBSDocument.async_finish_signing(output, prepared_digest=digest, signature_cms=signed_data)

    asyncio.run(run())
    return output.getvalue()
