"""Signatures on the demo letters: the demo PKI's, back-dated to the demo clock, and one from outside it."""
from datetime import datetime, timedelta
from functools import cache
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter

from app.signing.signer import SignerCredentials, asn1_certificate
from app.sqltypes import utcnow

# Room for the CMS container (signature, signing certificate and its two CAs): pyHanko otherwise signs
# twice, once to measure it.
SIGNATURE_BYTES = 16384


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer, with the signing time the signature claims given by the demo clock."""

    def __init__(self, metadata, signer, moment: datetime):
        super().__init__(metadata, signer=signer)
        self._moment = moment

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._moment
        return session


def _sign(pdf: bytes, credentials: SignerCredentials, field_name: str, moment: datetime) -> bytes:
    """An invisible PAdES B-B signature like app.signing.pades.sign_pdf's, claiming to be made at `moment`."""
    metadata = signers.PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                            subfilter=SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    signer = _SignerAt(metadata, credentials.signer, moment)
    return signer.sign_pdf(writer, bytes_reserved=SIGNATURE_BYTES).getvalue()


@cache
def _self_made_credentials(full_name: str, organisation: str) -> SignerCredentials:
    """A certificate from an authority its holder set up: well formed, but nobody here trusts that CA."""
    now = utcnow()

    def certificate(subject, key, issuer, issuer_key, *, authority: bool):
        usage = x509.KeyUsage(digital_signature=not authority, content_commitment=not authority,
                              key_encipherment=False, data_encipherment=False, key_agreement=False,
                              key_cert_sign=authority, crl_sign=authority, encipher_only=False,
                              decipher_only=False)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=400)).not_valid_after(now + timedelta(days=700))
                .add_extension(x509.BasicConstraints(ca=authority, path_length=0 if authority else None),
                               critical=True)
                .add_extension(usage, critical=True)
                .sign(issuer_key, hashes.SHA256()))

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                          x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = name(f"CA nội bộ {organisation}")
    ca = certificate(ca_name, ca_key, ca_name, ca_key, authority=True)
    holder = certificate(name(full_name), key, ca_name, ca_key, authority=False)
    return SignerCredentials(private_key=key, certificate=asn1_certificate(holder),
                             ca_chain=(asn1_certificate(ca),))
