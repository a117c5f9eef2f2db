"""Keys people bring: a person's own PKCS#12 and signature image, an agency's seal key and seal image.

Every upload is refused with a Vietnamese reason unless it can really sign here: the file opens with
the password given, holds a key and its certificate, the certificate is in force and allowed to sign
(digitalSignature or nonRepudiation), and a test signature made with it validates against the
configured trust roots (an untrusted certificate would only fail later, at the signing step). The
file is stored again under strong encryption (PBES2, AES-256): a person's under their own PIN, an
agency's under the server passphrase. Images are decoded and re-encoded as PNG, so nothing but
pixels is kept.
"""
from functools import cache
from io import BytesIO

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter

from app.audit.services import record
from app.sqltypes import utcnow

from .hsm import token_key
from .images import seal_png as seal_png_of
from .images import signature_png
from .keystore import KeyRefused, check_usable, credential_row, pkcs12_bytes, replace_credential
from .models import SigningCredential
from .pades import sign_pdf
from .signer import SignerCredentials
from .validation import validate_pdf_signatures

MAX_PKCS12_BYTES = 64 * 1024
MAX_IMAGE_BYTES = 512 * 1024
MAX_IMAGE_SIDE = 2000


class UploadRefused(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@cache
def probe_pdf() -> bytes:
    """A blank one-page PDF to make the test signature on (built once)."""
    writer = PdfFileWriter()
    writer.insert_page(generic.DictionaryObject({
        generic.pdf_name("/Type"): generic.pdf_name("/Page"),
        generic.pdf_name("/MediaBox"): generic.ArrayObject(generic.NumberObject(v) for v in (0, 0, 200, 200))}))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _open(data: bytes, password: str) -> SignerCredentials:
    if not data:
        raise UploadRefused("pkcs12", _("Chọn tệp chứng thư số (.p12 hoặc .pfx)."))
    if len(data) > MAX_PKCS12_BYTES:
        raise UploadRefused("pkcs12", _("Tệp chứng thư số quá lớn (tối đa 64 KB)."))
    try:
        return SignerCredentials.from_pkcs12(data, password.encode() if password else None)
    except ValueError:
        raise UploadRefused("password", _("Không mở được tệp: sai mật khẩu/PIN hoặc tệp không phải PKCS#12.")) from None


def check_can_sign(credentials, trust_roots, crls) -> None:
    """In force, unrevoked, allowed to sign, and a test signature validates here; UploadRefused otherwise."""
    try:
        check_usable(credentials, crls, utcnow())
    except KeyRefused as refused:
        raise UploadRefused("pkcs12", refused.message) from None
    usage = credentials.certificate.key_usage_value
    if usage is not None and not ({"digital_signature", "non_repudiation"} & set(usage.native)):
        raise UploadRefused("pkcs12", _("Chứng thư số này không được phép dùng để ký."))
    [verdict] = validate_pdf_signatures(sign_pdf(probe_pdf(), credentials), trust_roots=trust_roots, crls=crls)
    if verdict.verdict != "valid":
        raise UploadRefused("pkcs12", _("Chữ ký thử bằng chứng thư số này không hợp lệ: %(reason)s",
                                        reason=verdict.reason or verdict.label))


def clean_png(data: bytes | None, field: str) -> bytes | None:
    """The image re-encoded as RGBA PNG, or None when none was given."""
    if not data:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        raise UploadRefused(field, _("Ảnh quá lớn (tối đa 512 KB)."))
    try:
        image = Image.open(BytesIO(data))
        if image.format != "PNG":
            raise UploadRefused(field, _("Ảnh phải là tệp PNG (nền trong suốt)."))
        if max(image.size) > MAX_IMAGE_SIDE:
            raise UploadRefused(field, _("Ảnh quá lớn (tối đa 2000 điểm ảnh mỗi chiều)."))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise UploadRefused(field, _("Không đọc được ảnh PNG.")) from None
    out = BytesIO()
    image.convert("RGBA").save(out, format="PNG")
    return out.getvalue()


def store_person_key(user, data: bytes, pin: str, image: bytes | None, *, trust_roots, crls) -> SigningCredential:
    """Keep the person's (the actor's own) key, encrypted again under the same PIN, with their signature image."""
    if len(pin) < 4:
        raise UploadRefused("password", _("Mã PIN phải có ít nhất 4 ký tự."))
    credentials = _open(data, pin)
    check_can_sign(credentials, trust_roots, crls)
    png = clean_png(image, "image") or signature_png(user.full_name)
    row = replace_credential(credential_row(
        credentials, kind="person", agency_id=user.agency_id, user_id=user.id,
        pkcs12_data=pkcs12_bytes(credentials, pin.encode(), user.full_name), image_png=png))
    _record(row, actor=user, subject=("user", str(user.id)))
    return row


def _record(row: SigningCredential, *, actor, subject) -> None:
    record("signing_key_uploaded", actor=actor, subject=subject, agency_id=row.agency_id, kind=row.kind,
           subject_name=row.subject_name, serial=row.serial, not_after=row.not_after.isoformat())


def store_agency_key(agency, data: bytes, password: str, seal: bytes | None, *, actor, passphrase: str, trust_roots,
                     crls) -> SigningCredential:
    """Keep the agency's seal key under the server passphrase (the clerk seals without a PIN)."""
    credentials = _open(data, password)
    check_can_sign(credentials, trust_roots, crls)
    png = clean_png(seal, "image") or seal_png_of(agency.name)
    row = replace_credential(credential_row(
        credentials, kind="organisation", agency_id=agency.id, user_id=None,
        pkcs12_data=pkcs12_bytes(credentials, passphrase.encode(), agency.name), image_png=png))
    _record(row, actor=actor, subject=("agency", str(agency.id)))
    return row


def store_token_key(agency, config, *, token_label: str, key_label: str, certificate_der: bytes,
                    chain_der: tuple[bytes, ...], seal_png: bytes | None, trust_roots, crls, actor=None):
    """Make a key inside a PKCS#11 token the agency's seal key, checked like an uploaded one."""
    with token_key(config, token_label=token_label, key_label=key_label, certificate_der=certificate_der,
                   chain_der=chain_der) as credentials:
        try:
            check_can_sign(credentials, trust_roots, crls)
        except UploadRefused:
            raise
        except Exception as error:  # no such key on the token, or one that does not match the certificate
            raise UploadRefused("key", _("Không ký thử được bằng khóa %(key)s trên thiết bị: %(reason)s",
                                         key=key_label, reason=type(error).__name__)) from error
    row = replace_credential(credential_row(
        credentials, kind="organisation", agency_id=agency.id, user_id=None, token_label=token_label,
        key_label=key_label, image_png=clean_png(seal_png, "image") or seal_png_of(agency.name)))
    _record(row, actor=actor, subject=("agency", str(agency.id)))
    return row
