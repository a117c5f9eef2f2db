"""XML-DSig of edXML packages (signxml): sign with an agency's key, judge an incoming signature.

What is signed follows the Government Office samples: an enveloped signature placed in edXMLHeader
(after TraceHeaderList, or after Status) whose single reference is URI="" — the whole document minus
the signature, so the header and every attachment are covered. RSA-SHA256 with exclusive c14n; an
incoming rsa-sha1 signature (what the samples carry) is accepted with a warning.

The verdict follows the PDF validator's: "valid" (intact and the certificate chains to a configured
root, unrevoked), "unknown" (intact but the chain is not trusted, absent or the certificate unusable),
"invalid" (the signed content or the signature value does not match), "unsigned".
"""
import asyncio
import base64
import logging
from dataclasses import dataclass, field

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from flask_babel import gettext as _
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLSigner, XMLVerifier
from signxml.algorithms import CanonicalizationMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from app.signing.external import CertificateRefused, check_certificate
from app.signing.keystore import KeyRefused, agency_key
from app.signing.signer import SignerCredentials
from app.signing.validation import VERDICT_LABELS

from .build import q
from .parse import DSIG_NS
from .safe_xml import DEFAULT_MAX_BYTES, parse_untrusted

logger = logging.getLogger(__name__)
_SHA1 = (SignatureMethod.RSA_SHA1, DigestAlgorithm.SHA1)
_ACCEPTED = SignatureConfiguration(
    require_x509=True, location=".//", expect_references=1,
    signature_methods=frozenset(SignatureMethod), digest_algorithms=frozenset(DigestAlgorithm))


@dataclass(frozen=True)
class XmlSignatureVerdict:
    verdict: str  # a key of app.signing.validation.VERDICT_LABELS
    signer_name: str | None = None
    signer_organisation: str | None = None
    algorithm: str | None = None  # the SignatureMethod URI
    reason: str | None = None  # why the verdict is not "valid"
    warnings: tuple[str, ...] = field(default=())

    @property
    def label(self):
        return VERDICT_LABELS[self.verdict]


def _private_key(key):
    if isinstance(key, (bytes, str)):
        data = key.encode() if isinstance(key, str) else key
        if data.lstrip().startswith(b"-----"):
            return serialization.load_pem_private_key(data, password=None)
        return serialization.load_der_private_key(data, password=None)
    return key


def _certificate(value) -> x509.Certificate:
    if isinstance(value, x509.Certificate):
        return value
    if isinstance(value, asn1_x509.Certificate):
        return x509.load_der_x509_certificate(value.dump())
    data = value.encode() if isinstance(value, str) else value
    if data.lstrip().startswith(b"-----"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _signature_parent(root):
    header = next((element for element in root.iter(q("edXMLHeader"))), None)
    if header is None:
        raise ValueError("not an edXML package: no edXMLHeader")
    return header


def sign_package(xml: bytes, *, key, certificates) -> bytes:
    """`xml` (a package this installation built) with the header signature added.

    `key`: a `cryptography` private key or its PEM/DER bytes (unencrypted); `certificates`: the signer's
    certificate first, then its chain, each a `cryptography`/asn1crypto certificate or PEM/DER bytes.
    """
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                        huge_tree=True))
    placeholder = etree.SubElement(_signature_parent(root), f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS})
    placeholder.set("Id", "placeholder")
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256, digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signer.namespaces = {None: DSIG_NS}
    signed = signer.sign(root, key=_private_key(key), cert=[_certificate(c) for c in certificates],
                         reference_uri=None)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


class TokenKey:
    """A PKCS#11 key (signing.hsm) as signxml sees an RSA key: the one `sign` call it makes for RSA-SHA256.

    The key never leaves the token: the token signs the SignedInfo through pyHanko's PKCS11Signer, which
    hashes and pads (PKCS#1 v1.5) inside the device, exactly as it does for the PDF seal.
    """

    def __init__(self, signer):
        self._signer = signer

    def sign(self, data: bytes, padding=None, algorithm=None) -> bytes:
        if not isinstance(padding, PKCS1v15) or algorithm is None:
            raise KeyRefused(_("Thiết bị ký số chỉ ký gói edXML theo RSA PKCS#1 v1.5."))
        return asyncio.run(self._signer.async_sign_raw(data, algorithm.name))


def sign_package_with_agency_key(xml: bytes, agency_id: int, config) -> bytes:
    """`xml` signed with the agency's seal key, in a file or in a token (KeyRefused when it has none or it
    cannot be used)."""
    with agency_key(agency_id, config) as (_row, credentials):
        key = credentials.private_key if isinstance(credentials, SignerCredentials) else TokenKey(credentials.signer)
        return sign_package(xml, key=key, certificates=[credentials.certificate, *credentials.ca_chain])


def verify_signature(package, *, trust_roots, crls=(), max_bytes: int = DEFAULT_MAX_BYTES) -> XmlSignatureVerdict:
    """Judge the package signature; `package` is the bytes or the root a parser returned (`Parsed.root`)."""
    root = package if isinstance(package, etree._Element) else parse_untrusted(package, max_bytes=max_bytes,
                                                                              warnings=[])
    signature = next(iter(root.iter(f"{{{DSIG_NS}}}Signature")), None)
    if signature is None:
        if any(etree.QName(e).localname == "Signature" for e in root.iter() if isinstance(e.tag, str)):
            return XmlSignatureVerdict("unknown", reason=_(
                "Chữ ký của gói tin không theo chuẩn XML-DSig (sai không gian tên); không kiểm tra được."))
        return XmlSignatureVerdict("unsigned", reason=_("Gói tin không có chữ ký số."))
    chain = _embedded_certificates(signature)
    if not chain:
        return XmlSignatureVerdict("unknown", reason=_("Chữ ký không kèm chứng thư số của người ký."))
    leaf = chain[0]
    names = _names(leaf)
    algorithm = _signature_method(signature)
    warnings = ()
    if algorithm in {m.value for m in _SHA1} or _uses_sha1_digest(signature):
        warnings = (_("Chữ ký dùng thuật toán SHA-1 đã lỗi thời; vẫn được chấp nhận."),)
    try:
        XMLVerifier().verify(root, x509_cert=leaf, expect_config=_ACCEPTED)
    except InvalidCertificate:
        return XmlSignatureVerdict("unknown", *names, algorithm, _("Chứng thư số của người ký đã hết hạn hoặc chưa "
                                                                     "có hiệu lực."), warnings)
    except (InvalidDigest, InvalidSignature):
        return XmlSignatureVerdict("invalid", *names, algorithm, _("Nội dung gói tin đã bị thay đổi sau khi ký."),
                                   warnings)
    except (InvalidInput, ValueError, etree.LxmlError) as error:
        logger.info("edXML signature unreadable: %s", error)
        return XmlSignatureVerdict("invalid", *names, algorithm, _("Chữ ký bị lỗi cấu trúc hoặc dùng thuật toán "
                                                                     "không được hỗ trợ."), warnings)
    try:
        check_certificate(leaf.public_bytes(serialization.Encoding.DER),
                          tuple(c.public_bytes(serialization.Encoding.DER) for c in chain[1:]),
                          trust_roots=list(trust_roots), crls=list(crls))
    except CertificateRefused as refused:
        return XmlSignatureVerdict("unknown", *names, algorithm, str(refused), warnings)
    return XmlSignatureVerdict("valid", *names, algorithm, None, warnings)


def _embedded_certificates(signature) -> list[x509.Certificate]:
    certificates = []
    for element in signature.iter(f"{{{DSIG_NS}}}X509Certificate"):
        try:
            certificates.append(x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split()))))
        except ValueError:
            continue
    # The signer's certificate is the one that issued none of the others (signers usually put it first).
    issuers = {c.issuer for c in certificates if c.issuer != c.subject}
    leaf = next((c for c in certificates if c.subject not in issuers), certificates[0] if certificates else None)
    return [leaf, *(c for c in certificates if c is not leaf)] if leaf is not None else []


def _names(certificate: x509.Certificate) -> tuple[str | None, str | None]:
    def first(oid):
        values = certificate.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else None
    return first(x509.NameOID.COMMON_NAME), first(x509.NameOID.ORGANIZATION_NAME)


def _signature_method(signature) -> str | None:
    method = next(iter(signature.iter(f"{{{DSIG_NS}}}SignatureMethod")), None)
    return method.get("Algorithm") if method is not None else None


def _uses_sha1_digest(signature) -> bool:
    return any(element.get("Algorithm") == DigestAlgorithm.SHA1.value
               for element in signature.iter(f"{{{DSIG_NS}}}DigestMethod"))
