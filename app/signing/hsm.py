"""Agency seal keys held in a PKCS#11 token or HSM (SoftHSM2 in tests): the key never leaves it.

The installation's configuration names the PKCS#11 module (SIGNING_PKCS11_MODULE) and the user PIN
the server logs in with (SIGNING_PKCS11_PIN); each agency's credential names its token and key
labels and keeps the certificate and its chain. A session is opened for one signing step and closed
after it.
"""
from contextlib import contextmanager
from dataclasses import dataclass

from asn1crypto import x509
from flask_babel import gettext as _
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

from .keystore import KeyRefused
from .signer import ParsedAttributesMixin


class TokenSigner(ParsedAttributesMixin, PKCS11Signer):
    """pyHanko's PKCS#11 signer, its signing-certificate attribute parsed once (signer.ParsedAttributesMixin)."""


@dataclass(frozen=True)
class HsmCredentials:
    """What signing needs from a token key: the same attributes as SignerCredentials."""

    signer: TokenSigner
    certificate: x509.Certificate
    ca_chain: tuple[x509.Certificate, ...]

    @property
    def subject_name(self) -> str:
        return self.certificate.subject.native.get("common_name", "")


@contextmanager
def token_key(config, *, token_label: str, key_label: str, certificate_der: bytes, chain_der: tuple[bytes, ...]):
    """Log in to the token and yield HsmCredentials for its key; KeyRefused when the token is unreachable."""
    module, pin = config.get("SIGNING_PKCS11_MODULE"), config.get("SIGNING_PKCS11_PIN")
    if not module:
        raise KeyRefused(_("Máy chủ chưa cấu hình thiết bị ký số (SIGNING_PKCS11_MODULE)."))
    try:
        session = open_pkcs11_session(module, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except Exception as error:  # the module, the token or the PIN: all mean "cannot sign now"
        raise KeyRefused(_("Không kết nối được thiết bị ký số %(token)s: %(reason)s", token=token_label,
                           reason=type(error).__name__)) from error
    try:
        certificate = x509.Certificate.load(certificate_der)
        chain = tuple(x509.Certificate.load(c) for c in chain_der)
        signer = TokenSigner(session, key_label=key_label, signing_cert=certificate, ca_chain=chain)
        yield HsmCredentials(signer, certificate, chain)
    finally:
        session.close()

