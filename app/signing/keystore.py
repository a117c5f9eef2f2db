"""Opening the installation's signing keys: a person's with their PIN, an agency's with the server passphrase.

Every refusal is a KeyRefused with the Vietnamese reason, raised before anything is signed: no key,
wrong PIN (five in a row rest the key for 15 minutes), certificate not yet valid, expired, or
revoked by a CRL the installation holds. Opened keys are kept in memory for a few minutes, keyed by
the credential, its file and a digest of the PIN, so the next signature skips the PKCS#12
decryption (~50 ms) and a wrong PIN never finds a cached key.
"""
import hashlib
import hmac
import secrets
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.extensions import db
from app.sqltypes import utcnow

from .models import SigningCredential
from .signer import SignerCredentials

PIN_ATTEMPTS = 5
PIN_LOCKOUT = timedelta(minutes=15)
OPENED_KEY_LIFETIME_S = 300
KDF_ROUNDS = 50_000


class KeyRefused(ValueError):
    """No signature may be made with this key now; the message says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WrongPin(KeyRefused):
    """The PIN did not open the key. The caller rolls back, then calls `record_wrong_pin` and commits."""

    def __init__(self, credential_id: int):
        super().__init__(_("Mã PIN không đúng."))
        self.credential_id = credential_id


_opened: dict[tuple, tuple[float, SignerCredentials]] = {}
_opened_lock = threading.Lock()
_CACHE_SALT = secrets.token_bytes(32)  # the PIN digest in cache keys means nothing outside this process


def pkcs12_bytes(credentials: SignerCredentials, passphrase: bytes, friendly_name: str) -> bytes:
    """Serialise key, certificate and chain as PKCS#12 encrypted with `passphrase` (PBES2, AES-256, SHA-256)."""
    certificate = x509.load_der_x509_certificate(credentials.certificate.dump())
    chain = [x509.load_der_x509_certificate(c.dump()) for c in credentials.ca_chain]
    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(KDF_ROUNDS)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(passphrase))
    return pkcs12.serialize_key_and_certificates(friendly_name.encode(), credentials.private_key, certificate,
                                                 chain, encryption)


def credential_row(credentials, *, kind: str, agency_id: int, user_id: int | None, image_png: bytes,
                   pkcs12_data: bytes | None = None, token_label: str | None = None,
                   key_label: str | None = None) -> SigningCredential:
    """A new active credential row for opened credentials (a PKCS#12, or a key inside a token, whose
    certificate and chain are then kept here); the caller deactivates the previous one."""
    certificate = credentials.certificate
    in_token = token_label is not None
    return SigningCredential(kind=kind, agency_id=agency_id, user_id=user_id, pkcs12=pkcs12_data,
                             pkcs11_token=token_label, pkcs11_key=key_label,
                             certificate_der=certificate.dump() if in_token else None,
                             chain_der=[c.dump().hex() for c in credentials.ca_chain] if in_token else [],
                             subject_name=credentials.subject_name,
                             issuer_name=certificate.issuer.native.get("common_name", ""),
                             serial=format(certificate.serial_number, "x"),
                             not_after=certificate.not_valid_after, image_png=image_png, active=True)


def replace_credential(row: SigningCredential) -> SigningCredential:
    """Make `row` the holder's only active key (a person's, or an agency's seal key)."""
    owner = (SigningCredential.user_id == row.user_id if row.kind == "person"
             else SigningCredential.agency_id == row.agency_id)
    db.session.execute(update(SigningCredential).where(owner, SigningCredential.kind == row.kind,
                                                       SigningCredential.active.is_(True)).values(active=False))
    db.session.add(row)
    db.session.flush()
    return row


def active_person_credential(user_id: int) -> SigningCredential | None:
    return db.session.scalars(select(SigningCredential).where(
        SigningCredential.user_id == user_id, SigningCredential.kind == "person",
        SigningCredential.active.is_(True))).first()


def active_agency_credential(agency_id: int) -> SigningCredential | None:
    return db.session.scalars(select(SigningCredential).where(
        SigningCredential.agency_id == agency_id, SigningCredential.kind == "organisation",
        SigningCredential.active.is_(True))).first()


def open_person_key(user_id: int, pin: str, *, crls=(), now: datetime | None = None
                    ) -> tuple[SigningCredential, SignerCredentials]:
    """The person's key opened with their PIN; KeyRefused otherwise (a wrong PIN is counted and committed
    by the caller's error path: see `record_wrong_pin`)."""
    row = active_person_credential(user_id)
    if row is None:
        raise KeyRefused(_("Bạn chưa có chứng thư số để ký. Hãy tải lên tệp PKCS#12 trong trang cá nhân."))
    now = now or utcnow()
    if row.locked_until is not None and row.locked_until > now:
        raise KeyRefused(_("Nhập sai mã PIN quá nhiều lần; thử lại sau %(minutes)s phút.",
                           minutes=max(1, int((row.locked_until - now).total_seconds() // 60) + 1)))
    if not pin:
        raise KeyRefused(_("Vui lòng nhập mã PIN chứng thư số."))
    credentials = _open(row, pin.encode())
    if credentials is None:
        raise WrongPin(row.id)
    check_usable(credentials, crls, now)
    if row.failed_pins:
        row.failed_pins, row.locked_until = 0, None
    return row, credentials


@contextmanager
def agency_key(agency_id: int, config, *, crls=(), now: datetime | None = None):
    """Yield (credential row, credentials) of the agency's seal key: a stored PKCS#12 opened with the
    server passphrase, or a key in a PKCS#11 token (logged in for the block, then logged out)."""
    row = active_agency_credential(agency_id)
    if row is None:
        raise KeyRefused(_("Cơ quan chưa có chứng thư số (con dấu số). Quản trị cần tải lên khóa của cơ quan."))
    if row.pkcs11_key:
        from .hsm import token_key

        with token_key(config, token_label=row.pkcs11_token, key_label=row.pkcs11_key,
                       certificate_der=row.certificate_der, chain_der=tuple(bytes.fromhex(c) for c in row.chain_der)
                       ) as credentials:
            check_usable(credentials, crls, now or utcnow())
            yield row, credentials
        return
    credentials = _open(row, config["SIGNING_KEY_PASSPHRASE"].encode())
    if credentials is None:
        raise KeyRefused(_("Không mở được khóa của cơ quan (mật khẩu khóa máy chủ không khớp)."))
    check_usable(credentials, crls, now or utcnow())
    yield row, credentials


def record_wrong_pin(credential_id: int, *, now: datetime | None = None) -> None:
    """Count a wrong PIN; the fifth in a row rests the key for PIN_LOCKOUT."""
    # Counted in the database in one statement: wrong PINs sent to different web processes at once queue on
    # the row instead of each adding one to the count it read (a lost update would give extra guesses).
    this_key = SigningCredential.id == credential_id
    failed = db.session.execute(update(SigningCredential).where(this_key).values(
        failed_pins=func.coalesce(SigningCredential.failed_pins, 0) + 1).returning(SigningCredential.failed_pins)).scalar()
    if failed is not None and failed >= PIN_ATTEMPTS:
        db.session.execute(update(SigningCredential).where(this_key).values(
            failed_pins=0, locked_until=(now or utcnow()) + PIN_LOCKOUT))


def _open(row: SigningCredential, passphrase: bytes) -> SignerCredentials | None:
    key = (row.id, hashlib.sha256(row.pkcs12).digest(),
           hmac.new(_CACHE_SALT, passphrase, hashlib.sha256).digest())
    moment = time.monotonic()
    with _opened_lock:
        cached = _opened.get(key)
        if cached and cached[0] > moment:
            return cached[1]
    try:
        credentials = SignerCredentials.from_pkcs12(row.pkcs12, passphrase)
    except ValueError:
        return None
    with _opened_lock:
        for stale in [k for k, (until, _c) in _opened.items() if until <= moment]:
            del _opened[stale]
        _opened[key] = (moment + OPENED_KEY_LIFETIME_S, credentials)
    return credentials


def check_usable(credentials: SignerCredentials, crls, now: datetime) -> None:
    certificate = credentials.certificate
    if certificate.not_valid_before > now:
        raise KeyRefused(_("Chứng thư số chưa đến ngày có hiệu lực."))
    if certificate.not_valid_after <= now:
        raise KeyRefused(_("Chứng thư số đã hết hạn ngày %(date)s.",
                           date=certificate.not_valid_after.strftime("%d/%m/%Y")))
    if is_revoked(certificate, crls):
        raise KeyRefused(_("Chứng thư số đã bị thu hồi."))


def is_revoked(certificate, crls) -> bool:
    """True when a CRL of the certificate's issuer lists its serial number."""
    for crl in crls:
        tbs = crl["tbs_cert_list"]
        if tbs["issuer"] != certificate.issuer:
            continue
        if any(entry["user_certificate"].native == certificate.serial_number
               for entry in tbs["revoked_certificates"] or ()):
            return True
    return False
