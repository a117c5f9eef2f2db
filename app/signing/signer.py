"""Key material in memory and the pyHanko signer that uses it."""
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


def asn1_certificate(certificate) -> x509.Certificate:
    """Return the asn1crypto form (what pyHanko speaks) of a `cryptography` certificate."""
    return x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class ParsedAttributesMixin:
    """For a pyHanko Signer: the signing-certificate-v2 attribute's value parsed from DER, not built each time."""

    # asn1crypto re-encodes a structure built in Python (not parsed from DER) every time its bytes are read,
    # and each level wrapping it reads them again: pyHanko's freshly built signing-certificate-v2 value (a few
    # levels deep, under three more) was encoded hundreds of times per signature, most of its CMS time. Parsed
    # back from its own DER it keeps those bytes; the attribute's bytes, signed and embedded, are the same.

    def _signed_attr_providers(self, *args, **kwargs):
        """pyHanko's providers, the signing-certificate-v2 one giving its value parsed from DER (see above)."""
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if type(provider) is SigningCertificateV2Provider:
                provider = ParsedSigningCertificateV2(provider.signing_cert)
            yield provider


class CachedKeySigner(ParsedAttributesMixin, SimpleSigner):
    """A SimpleSigner that keeps its parsed private key instead of re-parsing it on every raw signature."""

    # SimpleSigner.sign_raw loads the DER key again on each call (~45 ms for RSA-2048, twice per PDF
    # signature); keeping the `cryptography` key object cuts that cost to the signing operation itself.

    def __init__(self, *, private_key, signing_cert: x509.Certificate, cert_registry, **kwargs):
        pkcs8 = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
        super().__init__(signing_cert=signing_cert, signing_key=keys.PrivateKeyInfo.load(pkcs8),
                         cert_registry=cert_registry, **kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign with the cached key; mechanisms other than RSA PKCS#1 v1.5 and ECDSA go to pyHanko."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15" and isinstance(self._private_key, RSAPrivateKey):
            return self._private_key.sign(data, PKCS1v15(), hash_algorithm)
        if algorithm == "ecdsa" and isinstance(self._private_key, EllipticCurvePrivateKey):
            return self._private_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)


# Keyed by the certificate's DER: the value depends on nothing else, and holds nothing secret.
@lru_cache(maxsize=64)
def parsed_signing_certificate_v2(certificate_der: bytes) -> tsp.SigningCertificateV2:
    """pyHanko's signing-certificate-v2 value for the certificate, parsed back from its DER (see above)."""
    return tsp.SigningCertificateV2.load(as_signing_certificate_v2(x509.Certificate.load(certificate_der)).dump())


class ParsedSigningCertificateV2(SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute with the value of `parsed_signing_certificate_v2`."""

    async def build_attr_value(self, dry_run=False) -> tsp.SigningCertificateV2:
        return parsed_signing_certificate_v2(self.signing_cert.dump())


@dataclass(frozen=True)
class SignerCredentials:
    """A private key with its certificate and the CA chain above it (issuing CA first)."""

    private_key: PrivateKeyTypes = field(repr=False)
    certificate: x509.Certificate
    ca_chain: tuple[x509.Certificate, ...] = ()
    pkcs12_path: Path | None = None

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: bytes | None, *,
                    path: Path | None = None) -> "SignerCredentials":
        """Load credentials from PKCS#12 bytes; ValueError when the passphrase or the data is wrong."""
        private_key, certificate, additional = pkcs12.load_key_and_certificates(data, passphrase)
        if private_key is None or certificate is None:
            raise ValueError("PKCS#12 data without a private key and its certificate")
        return cls(private_key=private_key, certificate=asn1_certificate(certificate),
                   ca_chain=tuple(asn1_certificate(c) for c in additional), pkcs12_path=path)

    @property
    def subject_name(self) -> str:
        return self.certificate.subject.native.get("common_name", "")

    @cached_property
    def signer(self) -> CachedKeySigner:
        """The pyHanko signer, built once so its parsed key is reused for every signature."""
        registry = SimpleCertificateStore()
        registry.register_multiple(self.ca_chain)
        return CachedKeySigner(private_key=self.private_key, signing_cert=self.certificate,
                               cert_registry=registry)
