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


@dataclass(frozen=True)
class HsmCredentials:
    """What signing needs from a token key: the same attributes as SignerCredentials."""

    signer: PKCS11Signer
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
        signer = PKCS11Signer(session, key_label=key_label, signing_cert=certificate, ca_chain=chain)
        yield HsmCredentials(signer, certificate, chain)
    finally:
        session.close()


def register_token_key(agency, config, *, token_label: str, key_label: str, certificate_der: bytes,
                       chain_der: tuple[bytes, ...], seal_png: bytes | None, trust_roots, crls, actor=None):
    """Make a token key the agency's seal key, once a test signature made with it validates here."""
    from app.audit.services import record

    from .images import seal_png as generated_seal
    from .keystore import replace_credential
    from .models import SigningCredential
    from .pades import sign_pdf
    from .uploads import UploadRefused, probe_pdf
    from .validation import validate_pdf_signatures

    with token_key(config, token_label=token_label, key_label=key_label, certificate_der=certificate_der,
                   chain_der=chain_der) as credentials:
        try:
            [verdict] = validate_pdf_signatures(sign_pdf(probe_pdf(), credentials), trust_roots=trust_roots,
                                                crls=crls)
        except Exception as error:  # no such key, or a key that does not match the certificate
            raise UploadRefused("key", _("Không ký thử được bằng khóa %(key)s trên thiết bị: %(reason)s",
                                         key=key_label, reason=type(error).__name__)) from error
    if verdict.verdict != "valid":
        raise UploadRefused("key", _("Chữ ký thử bằng chứng thư số này không hợp lệ: %(reason)s",
                                     reason=verdict.reason or verdict.label))
    certificate = credentials.certificate
    row = replace_credential(SigningCredential(
        kind="organisation", agency_id=agency.id, user_id=None, pkcs12=None, pkcs11_token=token_label,
        pkcs11_key=key_label, certificate_der=certificate_der, chain_der=[c.hex() for c in chain_der],
        subject_name=credentials.subject_name, issuer_name=certificate.issuer.native.get("common_name", ""),
        serial=format(certificate.serial_number, "x"), not_after=certificate.not_valid_after,
        image_png=seal_png or generated_seal(agency.name), active=True))
    record("signing_key_uploaded", actor=actor, subject=("agency", str(agency.id)), agency_id=agency.id,
           kind="organisation", store="pkcs11", token=token_label, key=key_label, subject_name=row.subject_name,
           serial=row.serial)
    return row
