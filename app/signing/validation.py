"""Check an uploaded PDF and judge each of its signatures: Hợp lệ / Không xác định / Không hợp lệ."""
import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from functools import cache
from io import BytesIO
from pathlib import Path

from asn1crypto import x509
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import DocumentSecurityStore, EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from . import hex_strings, issuer_serial, name_keys, number_arrays
from .demo_pki import ensure_demo_pki

# Every module here that opens a PDF imports this one (and the app imports it at start), so every pyHanko
# reader and incremental writer of the process parses hex strings and arrays of numbers in one go, and
# every CMS it reads finds its signer's certificate without comparing names it need not compare, and
# prepares each distinct name for comparison once.
hex_strings.install()
number_arrays.install()
issuer_serial.install()
name_keys.install()

logger = logging.getLogger(__name__)
# pyHanko and its certificate validator log a warning with a full traceback for every signature they
# cannot trust; the verdict already carries the reason in Vietnamese, so only their errors are logged.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)

PDF_MAGIC = b"%PDF-"
VERDICT_LABELS = {"valid": _l("Hợp lệ"), "unknown": _l("Không xác định"), "invalid": _l("Không hợp lệ"),
                  "unsigned": _l("Chưa ký")}


class PdfRejected(ValueError):
    """A PDF that cannot be accepted, with the reason to show to the user."""


MAX_PAGES = 10_000


@dataclass(frozen=True)
class PdfFacts:
    page_count: int
    # Always False for now (encrypted files are refused); there for when owner-password-only PDFs,
    # which open without a password, come to be accepted.
    encrypted: bool
    signature_count: int


@dataclass(frozen=True)
class SignatureVerdict:
    field_name: str | None
    verdict: str  # a key of VERDICT_LABELS
    signer_name: str | None = None
    signer_organisation: str | None = None
    signer_kind: str | None = None  # "person" or "organisation" (an agency's seal), from the certificate
    signing_time: str | None = None  # claimed by the signer, ISO 8601 UTC
    timestamp_time: str | None = None  # from a timestamp token, ISO 8601 UTC
    coverage: str | None = None  # SignatureCoverageLevel name, e.g. ENTIRE_FILE
    modification_level: str | None = None  # ModificationLevel name, e.g. NONE, FORM_FILLING
    trust_anchor: str | None = None  # CN of the root the chain ends in
    reason: str | None = None  # why the verdict is not "valid"

    @property
    def label(self):
        return VERDICT_LABELS[self.verdict]

    def as_data(self) -> dict:
        return asdict(self)


def _open_pdf(pdf_bytes: bytes) -> PdfFileReader:
    if not pdf_bytes.startswith(PDF_MAGIC):
        raise PdfRejected(_("Tệp không phải là tệp PDF."))
    try:
        reader = PdfFileReader(BytesIO(pdf_bytes))
        encrypted = reader.encrypt_dict is not None
    except Exception as error:  # any parser failure on untrusted bytes means the same to the user
        raise PdfRejected(_("Tệp PDF bị hỏng, không đọc được.")) from error
    if encrypted:
        raise PdfRejected(_("Tệp PDF được đặt mật khẩu/mã hóa; hãy gửi bản không mã hóa."))
    return reader


def inspect_pdf(pdf_bytes: bytes) -> PdfFacts:
    """Return the page and signature counts; PdfRejected for non-PDF, broken or encrypted files."""
    memo = _reused.get()
    if memo is None:
        return _inspected(pdf_bytes)
    key = ("facts", hashlib.sha256(pdf_bytes).digest())
    if key not in memo:
        memo[key] = _inspected(pdf_bytes)  # a refusal raises and is not kept: the next call says it again
    return memo[key]


def _inspected(pdf_bytes: bytes) -> PdfFacts:
    reader = _open_pdf(pdf_bytes)
    return _facts_of(reader, _signature_fields(reader))


def _facts_of(reader: PdfFileReader, signed_fields: list) -> PdfFacts:
    try:
        page_count = int(reader.root["/Pages"]["/Count"])
    except Exception as error:
        raise PdfRejected(_("Tệp PDF bị hỏng, không đọc được.")) from error
    # /Count is only what the file claims; a claim past MAX_PAGES (or below one) is not a document we keep,
    # and it would not fit the page_count column.
    if not 1 <= page_count <= MAX_PAGES:
        raise PdfRejected(_("Tệp PDF khai báo số trang không hợp lệ (%(n)s).", n=page_count))
    return PdfFacts(page_count=page_count, encrypted=False, signature_count=len(signed_fields))


def validate_pdf_signatures(pdf_bytes: bytes, *, trust_roots: list[x509.Certificate], crls=(),
                            revocation_mode: str = "hard-fail", expected_fields=()) -> list[SignatureVerdict]:
    """Judge every signature in the PDF (document timestamps excluded), in signing order.

    Only `trust_roots` are trusted and nothing is fetched: a certificate that names a CRL or OCSP
    service is judged "unknown" unless `crls` (or the document's own DSS) hold its revocation status.
    Each of `expected_fields` that holds no signature is reported "unsigned" after the others: a
    signature stripped from a file (its revision cut off, its field emptied) must show, not vanish.
    """
    verdicts = _judged(pdf_bytes, trust_roots, crls, revocation_mode)
    present = {verdict.field_name for verdict in verdicts}
    # The page names the missing signature by its role (signing.roles); the field's name means nothing to people.
    return verdicts + [SignatureVerdict(field_name=name, verdict="unsigned", reason=_(
        "Chưa có chữ ký này; văn bản đã ban hành phải có."))
        for name in expected_fields if name not in present]


# Verdicts judged inside one operation (`verdicts_reused`), by the bytes' SHA-256, the trust roots, the CRLs
# and the revocation mode, and the facts of `inspect_pdf` by the bytes' SHA-256: one completion keeps the
# sealed file and releases it to each recipient, each of which inspected and judged the same bytes again.
_reused: ContextVar[dict | None] = ContextVar("signature_verdicts_reused", default=None)


@contextmanager
def verdicts_reused():
    """Within the block, the same bytes judged against the same roots and CRLs are judged once (and
    inspected once).

    Keyed by content, not by where the bytes came from: other bytes (an upload, a file from the axis) are
    always judged. Opened around one operation (a task completion), so "now" barely moves within it; the
    outermost block's memo is the one used, and it is dropped when that block ends.
    """
    if _reused.get() is not None:
        yield
        return
    token = _reused.set({})
    try:
        yield
    finally:
        _reused.reset(token)


def _judged(pdf_bytes: bytes, trust_roots, crls, revocation_mode: str) -> list[SignatureVerdict]:
    memo = _reused.get()
    key = None
    if memo is not None:
        digest = hashlib.sha256(pdf_bytes).digest()
        key = ("verdicts", digest, tuple(root.sha256 for root in trust_roots),
               tuple(crl.sha256 for crl in crls), revocation_mode)
        if key in memo:
            return list(memo[key])
    reader = _open_pdf(pdf_bytes)
    signed_fields = _signature_fields(reader)
    if memo is not None:
        _note_facts(memo, digest, reader, signed_fields)
    # A list, never None: None would make certvalidator fall back to the operating system's roots.
    context_settings = {"trust_roots": list(trust_roots), "crls": list(crls), "allow_fetching": False,
                        "revocation_mode": revocation_mode}
    verdicts = [_judge(field_name, signature, reader, context_settings)
                for field_name, signature in _signatures_in(reader, signed_fields)]
    if key is not None:
        memo[key] = tuple(verdicts)  # SignatureVerdict is frozen: sharing it is safe
    return verdicts


def _note_facts(memo: dict, digest: bytes, reader: PdfFileReader, signed_fields: list) -> None:
    """Keep the facts `inspect_pdf` would find, read from the reader that judges the file: a signed file is
    then opened once (its signatures' contents are parsed once), not once for the verdicts and again for its
    page count."""
    key = ("facts", digest)
    if key in memo:
        return
    try:
        memo[key] = _facts_of(reader, signed_fields)
    except PdfRejected:
        pass  # not kept: inspect_pdf opens the file again and says why


def _signature_fields(reader: PdfFileReader) -> list[tuple[str, object]]:
    """Return (name, field) of every signed field except document timestamps, without parsing the CMS."""
    try:
        signed_fields = list(enumerate_sig_fields(reader, filled_status=True))
        # A document timestamp (PAdES B-LTA) proves a time; it names no signer.
        # str(): pyHanko's names are TextStringObjects that carry their container; copying one
        # (dataclasses.asdict deep-copies) dragged the whole parsed PDF along, ~100 ms a verdict.
        return [(str(name), field) for name, signature_object, field in signed_fields
                if signature_object.get_object().get("/Type") != "/DocTimeStamp"]
    except Exception as error:
        raise PdfRejected(_("Tệp PDF bị hỏng, không đọc được.")) from error


def _signatures_in(reader: PdfFileReader, signed_fields: list) -> list[tuple[str, object]]:
    """Return (field name, EmbeddedPdfSignature or the error reading it) in signing order.

    pyHanko's own `embedded_regular_signatures` silently drops signatures with an unknown SubFilter and
    fails as a whole on one unreadable signature; here each signed field yields one entry.
    """
    entries = []
    for field_name, field in signed_fields:
        try:
            signature = EmbeddedPdfSignature(reader, field, field_name)
            entries.append((signature.signed_revision, field_name, signature))
        except Exception as error:
            entries.append((reader.xrefs.total_revisions, field_name, error))  # revision unknown: last
    entries.sort(key=lambda entry: entry[0])
    return [(field_name, signature) for _revision, field_name, signature in entries]


def _validation_context(reader: PdfFileReader, settings: dict) -> ValidationContext:
    # Revocation data the signer embedded (PAdES B-LT) is signed by the CAs themselves, so it is safe to use;
    # certificates from the DSS only help build paths, trust still comes from `trust_roots` alone.
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(settings)
    except NoDSSFoundError:
        return ValidationContext(**settings)


def _judge(field_name: str, signature, reader: PdfFileReader, context_settings: dict) -> SignatureVerdict:
    if isinstance(signature, Exception):
        return _unreadable(field_name, signature)
    try:
        status = validate_pdf_signature(signature, _validation_context(reader, context_settings))
        timestamp = status.timestamp_validity
        verdict, reason = _classify(status)
        return SignatureVerdict(
            field_name=field_name, verdict=verdict, reason=reason,
            signer_name=_name_part(status.signing_cert.subject, "common_name"),
            signer_organisation=_name_part(status.signing_cert.subject, "organization_name"),
            signer_kind=signer_kind(status.signing_cert.subject),
            signing_time=_iso_utc(status.signer_reported_dt),
            timestamp_time=_iso_utc(timestamp.timestamp if timestamp else None),
            coverage=status.coverage.name if status.coverage else None,
            modification_level=status.modification_level.name if status.modification_level else None,
            trust_anchor=_anchor_name(status.validation_path))
    except Exception as error:  # a malformed signature is a verdict about the document, not a server error
        return _unreadable(field_name, error)


def _unreadable(field_name: str, error: Exception) -> SignatureVerdict:
    logger.warning("Signature %s could not be validated", field_name, exc_info=error)
    return SignatureVerdict(field_name=field_name, verdict="invalid",
                            reason=_("Chữ ký bị lỗi cấu trúc hoặc có định dạng không được hỗ trợ."))


def _classify(status) -> tuple[str, str | None]:
    """Map pyHanko's status to a verdict, checks in the order of the table in docs/SIGNING.md."""
    if not status.intact:
        return "invalid", _("Nội dung tệp đã bị thay đổi sau khi ký.")
    if not status.valid:
        return "invalid", _("Giá trị chữ ký số không khớp với chứng thư số của người ký.")
    if status.modification_level == ModificationLevel.OTHER:
        return "invalid", _("Tệp đã bị sửa đổi sau khi ký bằng một bản cập nhật không được phép.")
    if status.docmdp_ok is False:
        return "invalid", _("Thay đổi sau khi ký vượt quá mức người ký cho phép.")
    if not status.trusted:
        return "unknown", _trust_problem_reason(status.trust_problem_indic)
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
        return "unknown", _("Không xác minh được dấu thời gian của chữ ký.")
    if status.seed_value_constraint_error is not None:
        return "unknown", _("Chữ ký không đáp ứng ràng buộc đặt sẵn cho trường chữ ký.")
    return "valid", None


def _trust_problem_reason(indication) -> str:
    if indication == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return _("Chứng thư số không thuộc nguồn tin cậy đã cấu hình.")
    if indication in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE):
        return _("Chứng thư số đã bị thu hồi.")
    if indication == AdESIndeterminate.OUT_OF_BOUNDS_NO_POE:
        return _("Chứng thư số đã hết hạn và không có dấu thời gian chứng minh thời điểm ký.")
    if indication == AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE:
        return _("Chứng thư số không được phép dùng để ký văn bản.")
    if indication == AdESIndeterminate.TRY_LATER:
        return _("Thông tin thu hồi chứng thư số đã cũ; hãy kiểm tra lại sau.")
    if indication in (AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE,
                      AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE_NO_POE):
        return _("Chữ ký dùng thuật toán không còn được chấp nhận.")
    # Missing revocation information lands here too: certvalidator reports it as a general chain failure.
    return _("Không xác minh được chuỗi chứng thư số hoặc tình trạng thu hồi của chứng thư số.")


def signer_kind(subject: x509.Name) -> str:
    """"organisation" for a seal certificate: an organisation identifier and no personal id, or the
    organisation's own name as common name; "person" otherwise."""
    native = subject.native
    if "organization_identifier" in native and "user_id" not in native:
        return "organisation"
    return "organisation" if native.get("common_name") and native.get("common_name") == native.get(
        "organization_name") else "person"


def _name_part(name: x509.Name, part: str) -> str | None:
    value = name.native.get(part)
    return ", ".join(value) if isinstance(value, list) else value


def _anchor_name(path) -> str | None:
    if path is None:
        return None
    anchor = path.trust_anchor.authority.name
    return _name_part(anchor, "common_name") or anchor.human_friendly


def _iso_utc(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat() if moment else None


def trust_roots_from_config(config) -> list[x509.Certificate]:
    """Return the roots in SIGNING_TRUST_ROOTS files plus, with TRUST_DEMO_PKI, the demo root."""
    roots = []
    for path in config.get("SIGNING_TRUST_ROOTS", ()):
        roots.extend(_roots_in(path, Path(path).stat().st_mtime_ns))
    if config.get("TRUST_DEMO_PKI"):
        roots.append(ensure_demo_pki(Path(config["PKI_DIR"])).trust_root)
    return roots


@cache
def _roots_in(path: str, _version: int) -> tuple[x509.Certificate, ...]:
    """The certificates of one roots file, read once per version of the file (every validation asks)."""
    certificates = tuple(load_certs_from_pemder_data(Path(path).read_bytes()))
    if not certificates:
        # A misconfigured root must fail loudly: dropping it would turn every signature "unknown".
        raise ValueError(f"SIGNING_TRUST_ROOTS: no certificate in {path}")
    return certificates


def crls_from_config(config) -> list:
    """Return the CRLs validation gets without fetching: the demo CAs' when TRUST_DEMO_PKI is on."""
    if config.get("TRUST_DEMO_PKI"):
        return ensure_demo_pki(Path(config["PKI_DIR"])).crls()
    return []
