"""DEMO PKI that a fresh install generates for itself: root CA, issuing CA, agency and person certificates.

Everything here is labelled DEMO and is trusted by this install alone (TRUST_DEMO_PKI); it never stands
in for the Government CA. Layout under the PKI directory:
root.pem root.key root.crl, issuing.pem issuing.key issuing.crl, passphrase,
people/<username>.p12, agencies/<agency code>.p12.
"""
import fcntl
import os
import re
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .signer import SignerCredentials, asn1_certificate

DEMO_SUFFIX = " (DEMO)"
DEMO_ISSUER_ORGANISATION = "Liên Thông (DEMO) — chỉ dùng thử, không có giá trị pháp lý"
ROOT_COMMON_NAME = "Liên Thông DEMO Root CA"
ISSUING_COMMON_NAME = "Liên Thông DEMO Issuing CA"
# '.invalid' never resolves: validation gets these CRLs handed in (`DemoPki.crls()`), never fetches them.
CRL_BASE_URL = "http://pki.lienthong.invalid/demo/"

KEY_SIZE = 2048
ROOT_LIFETIME = timedelta(days=20 * 365)
ISSUING_LIFETIME = timedelta(days=10 * 365)
END_ENTITY_LIFETIME = timedelta(days=3 * 365)
REISSUE_BEFORE_EXPIRY = timedelta(days=30)
CRL_LIFETIME = timedelta(days=90)
CRL_REFRESH_BEFORE = timedelta(days=30)
# Certificates and CRLs start a little in the past so a validator whose clock lags still accepts them.
BACKDATE = timedelta(minutes=5)

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644
SAFE_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,127}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _write_file(path: Path, data: bytes, mode: int) -> None:
    """Write through a temporary file so readers (other workers) see the old or the new file, whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, mode)  # the umask may have narrowed or the file may have existed
    os.replace(temporary, path)


@contextmanager
def _directory_lock(directory: Path):
    """Serialise creation across processes: two workers starting together must not make two roots."""
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _name(common_name: str, organisation: str, **extra: str) -> x509.Name:
    # cryptography encodes CN and O as UTF8String, which Vietnamese names need.
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                  x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if "user_id" in extra:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, extra["user_id"]))
    if "organisation_id" in extra:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, extra["organisation_id"]))
    return x509.Name(attributes)


def _demo_label(organisation: str) -> str:
    return organisation if organisation.endswith(DEMO_SUFFIX) else organisation + DEMO_SUFFIX


def _file_stem(identifier: str) -> str:
    if not SAFE_FILE_STEM.fullmatch(identifier):
        raise ValueError(f"not usable as a file name: {identifier!r}")
    return identifier


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def _ca_certificate(subject, key, *, issuer, issuer_key, lifetime, path_length, crl_name=None):
    now = _now()
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - BACKDATE).not_valid_after(now + lifetime)
               .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, key_cert_sign=True, crl_sign=True,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if crl_name:
        builder = builder.add_extension(_distribution_point(crl_name), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _distribution_point(crl_name: str) -> x509.CRLDistributionPoints:
    url = x509.UniformResourceIdentifier(CRL_BASE_URL + crl_name)
    return x509.CRLDistributionPoints([x509.DistributionPoint([url], None, None, None)])


def _crl(ca_certificate, ca_key, revoked_serials=()) -> x509.CertificateRevocationList:
    now = _now()
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(ca_certificate.subject)
               .last_update(now - BACKDATE).next_update(now + CRL_LIFETIME)
               .add_extension(x509.CRLNumber(time.time_ns()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                              critical=False))
    for serial in sorted(revoked_serials):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now - BACKDATE).build())
    return builder.sign(ca_key, hashes.SHA256())


def _pem_key(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_certificate(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class _Authority:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    crl_name: str


class DemoPki:
    """The loaded DEMO authorities of one PKI directory; issues and keeps agency and person credentials."""

    def __init__(self, directory: Path, root: _Authority, issuing: _Authority, passphrase: bytes):
        self.directory = directory
        self._root = root
        self._issuing = issuing
        self._passphrase = passphrase
        self._issued: dict[Path, SignerCredentials] = {}
        self._crls: list[asn1_crl.CertificateList] = []
        self._crls_refresh_at = _now()
        self._crls_stamp: tuple = ()
        self._lock = threading.Lock()
        self.trust_root = asn1_certificate(root.certificate)
        self.ca_chain = (asn1_certificate(issuing.certificate), self.trust_root)

    def crls(self) -> list[asn1_crl.CertificateList]:
        """Current CRLs of both CAs, re-signed when they come close to their next update, and read again when
        another process changed them (a revocation made by a command or another web process)."""
        with self._lock:
            if _now() >= self._crls_refresh_at or self._crl_files_stamp() != self._crls_stamp:
                self._load_or_refresh_crls()
            return list(self._crls)

    def _crl_files_stamp(self) -> tuple:
        stamps = []
        for authority in (self._root, self._issuing):
            try:
                status = (self.directory / authority.crl_name).stat()
            except FileNotFoundError:
                stamps.append(None)
            else:
                stamps.append((status.st_mtime_ns, status.st_size, status.st_ino))
        return tuple(stamps)

    def revoke(self, certificate) -> None:
        """Put an end-entity certificate (asn1crypto) on the issuing CA's CRL, e.g. a key reported lost."""
        with self._lock:
            with _directory_lock(self.directory):
                path = self.directory / self._issuing.crl_name
                current = x509.load_der_x509_crl(path.read_bytes()) if path.exists() else None
                serials = {entry.serial_number for entry in current} if current is not None else set()
                serials.add(certificate.serial_number)
                crl = _crl(self._issuing.certificate, self._issuing.key, serials)
                _write_file(path, crl.public_bytes(serialization.Encoding.DER), PUBLIC_MODE)
            self._crls_refresh_at = _now()  # read again on the next crls()

    def issue_person(self, username: str, full_name: str, organisation: str) -> SignerCredentials:
        """Return the person's signing credentials, issuing them on first use."""
        subject = _name(full_name, _demo_label(organisation), user_id=username)
        return self._credentials(self.directory / "people" / f"{_file_stem(username)}.p12", subject)

    def issue_installation(self) -> SignerCredentials:
        """The installation's own key (signs what the system attests, e.g. the audit chain's head)."""
        subject = _name("Hệ thống Liên Thông (DEMO)", DEMO_ISSUER_ORGANISATION)
        return self._credentials(self.directory / "installation.p12", subject)

    def issue_timestamping(self) -> SignerCredentials:
        """The demo timestamp authority's credentials (critical EKU timeStamping), issued on first use."""
        subject = _name("Liên Thông DEMO Timestamp Authority", DEMO_ISSUER_ORGANISATION)
        return self._credentials(self.directory / "tsa.p12", subject, timestamping=True)

    def issue_organisation(self, agency_code: str, agency_name: str) -> SignerCredentials:
        """Return the agency's seal credentials, issuing them on first use."""
        subject = _name(agency_name, _demo_label(agency_name), organisation_id=agency_code)
        return self._credentials(self.directory / "agencies" / f"{_file_stem(agency_code)}.p12", subject)

    def _credentials(self, path: Path, subject: x509.Name, *, timestamping: bool = False) -> SignerCredentials:
        with self._lock:
            credentials = self._issued.get(path)
            if credentials is None or not self._still_usable(credentials, subject):
                path.parent.mkdir(mode=0o700, exist_ok=True)
                with _directory_lock(self.directory):
                    credentials = self._stored(path)
                    if credentials is None or not self._still_usable(credentials, subject):
                        credentials = self._issue(path, subject, timestamping=timestamping)
                self._issued[path] = credentials
            return credentials

    def _stored(self, path: Path) -> SignerCredentials | None:
        if not path.exists():
            return None
        try:
            return SignerCredentials.from_pkcs12(path.read_bytes(), self._passphrase, path=path)
        except ValueError:  # left over from an earlier generation of the PKI (other passphrase): reissue
            return None

    def _still_usable(self, credentials: SignerCredentials, subject: x509.Name) -> bool:
        """Same subject, issued by the current issuing CA and not about to expire; otherwise reissue."""
        certificate = credentials.certificate
        return (certificate.subject.dump() == subject.public_bytes()
                and certificate.authority_key_identifier == self.ca_chain[0].key_identifier
                and certificate.not_valid_after - REISSUE_BEFORE_EXPIRY > _now())

    def certify_organisation_key(self, agency_code: str, agency_name: str, public_key) -> x509.Certificate:
        """A certificate for an agency key made elsewhere (inside a token or HSM); nothing is stored."""
        subject = _name(agency_name, _demo_label(agency_name), organisation_id=agency_code)
        return self._certificate(subject, public_key)

    def _certificate(self, subject: x509.Name, public_key, *, timestamping: bool = False) -> x509.Certificate:
        issuing, now = self._issuing, _now()
        not_after = min(now + END_ENTITY_LIFETIME, issuing.certificate.not_valid_after_utc)
        builder = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(issuing.certificate.subject)
                   .public_key(public_key).serial_number(x509.random_serial_number())
                   .not_valid_before(now - BACKDATE).not_valid_after(not_after)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                                key_encipherment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       issuing.key.public_key()), critical=False)
                   .add_extension(_distribution_point(issuing.crl_name), critical=False))
        if timestamping:  # RFC 3161: a TSA certificate carries exactly this critical extended key usage
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        return builder.sign(issuing.key, hashes.SHA256())

    def _issue(self, path: Path, subject: x509.Name, *, timestamping: bool = False) -> SignerCredentials:
        key, issuing = _new_key(), self._issuing
        certificate = self._certificate(subject, key.public_key(), timestamping=timestamping)
        encryption = (serialization.PrivateFormat.PKCS12.encryption_builder()
                      .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
                      .hmac_hash(hashes.SHA256()).build(self._passphrase))
        data = pkcs12.serialize_key_and_certificates(
            subject.rfc4514_string().encode(), key, certificate,
            [issuing.certificate, self._root.certificate], encryption)
        _write_file(path, data, PRIVATE_MODE)
        return SignerCredentials(private_key=key, certificate=asn1_certificate(certificate),
                                 ca_chain=self.ca_chain, pkcs12_path=path)

    def _load_or_refresh_crls(self) -> None:
        crls, refresh_at = [], None
        with _directory_lock(self.directory):
            for authority in (self._root, self._issuing):
                path = self.directory / authority.crl_name
                current = x509.load_der_x509_crl(path.read_bytes()) if path.exists() else None
                if current is None or current.next_update_utc - CRL_REFRESH_BEFORE <= _now():
                    revoked = [entry.serial_number for entry in current] if current is not None else []
                    current = _crl(authority.certificate, authority.key, revoked)
                    _write_file(path, current.public_bytes(serialization.Encoding.DER), PUBLIC_MODE)
                due = current.next_update_utc - CRL_REFRESH_BEFORE
                refresh_at = due if refresh_at is None else min(refresh_at, due)
                crls.append(asn1_crl.CertificateList.load(current.public_bytes(serialization.Encoding.DER)))
            stamp = self._crl_files_stamp()  # inside the lock: what was read is what is stamped
        self._crls, self._crls_refresh_at, self._crls_stamp = crls, refresh_at, stamp


def _create_authorities(directory: Path) -> None:
    root_key, issuing_key = _new_key(), _new_key()
    root_name = _name(ROOT_COMMON_NAME, DEMO_ISSUER_ORGANISATION)
    issuing_name = _name(ISSUING_COMMON_NAME, DEMO_ISSUER_ORGANISATION)
    root = _ca_certificate(root_name, root_key, issuer=root_name, issuer_key=root_key,
                           lifetime=ROOT_LIFETIME, path_length=1)
    issuing = _ca_certificate(issuing_name, issuing_key, issuer=root_name, issuer_key=root_key,
                              lifetime=ISSUING_LIFETIME, path_length=0, crl_name="root.crl")
    _write_file(directory / "passphrase", secrets.token_urlsafe(24).encode(), PRIVATE_MODE)
    _write_file(directory / "issuing.key", _pem_key(issuing_key), PRIVATE_MODE)
    _write_file(directory / "issuing.pem", _pem_certificate(issuing), PUBLIC_MODE)
    _write_file(directory / "root.key", _pem_key(root_key), PRIVATE_MODE)
    for stale in ("root.crl", "issuing.crl"):
        (directory / stale).unlink(missing_ok=True)
    # root.pem is written last: its presence means the whole set is complete.
    _write_file(directory / "root.pem", _pem_certificate(root), PUBLIC_MODE)
    _write_file(directory / "README.txt", (
        "DEMO PKI generated by this Liên Thông install. Not trusted anywhere else; "
        "never use these keys for real documents.\n").encode(), PUBLIC_MODE)


def _load_authority(directory: Path, stem: str) -> _Authority:
    certificate = x509.load_pem_x509_certificate((directory / f"{stem}.pem").read_bytes())
    key = serialization.load_pem_private_key((directory / f"{stem}.key").read_bytes(), password=None)
    return _Authority(certificate=certificate, key=key, crl_name=f"{stem}.crl")


_loaded: dict[Path, DemoPki] = {}
_loaded_lock = threading.Lock()


def ensure_demo_pki(pki_dir: Path) -> DemoPki:
    """Return the DEMO PKI kept in `pki_dir`, generating it on first use; loaded once per process."""
    directory = Path(pki_dir).resolve()
    with _loaded_lock:
        pki = _loaded.get(directory)
        if pki is None or not (directory / "root.pem").exists():
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            with _directory_lock(directory):
                if not (directory / "root.pem").exists():
                    _create_authorities(directory)
                pki = DemoPki(directory, _load_authority(directory, "root"),
                              _load_authority(directory, "issuing"),
                              (directory / "passphrase").read_bytes().strip())
            _loaded[directory] = pki
    pki.crls()  # publishes the CRLs now, so a fresh install has them on disk at once
    return pki
