"""External agencies (ministries, other provinces) by mã định danh: imported from CSV/JSON or the axis.

Codes that do not follow the 13-character pattern are kept with a warning: real directories carry them,
and a package from such an agency must still find its sender's name.
"""
import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, is_dataclass

from flask_babel import gettext as _
from sqlalchemy import Boolean, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.services import record
from app.directory.models import AGENCY_CODE_PATTERN, CONTACT_FIELDS, Agency, ContactDetails
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow

SOURCES = ("csv", "json", "axis")
MAX_ROWS = 20000
CODE_LENGTH = 64  # room for malformed codes; well-formed ones have 13 characters

# Vietnamese headers first, English and the axis' own names (AgencyDetail: code, name, pcode) as well.
COLUMNS = {
    "ma_dinh_danh": "code", "code": "code",
    "ten": "name", "ten_co_quan": "name", "name": "name",
    "ma_cap_tren": "parent_code", "parent_code": "parent_code", "pcode": "parent_code",
    "hoat_dong": "active", "active": "active",
    "dia_chi": "address", "address": "address", "organ_add": "address", "organadd": "address",
    "thu_dien_tu": "email", "email": "email",
    "dien_thoai": "phone", "phone": "phone", "telephone": "phone",
    "trang_thong_tin": "website", "website": "website",
}
# Longest value kept of each contact detail (the columns' sizes).
CONTACT_LENGTHS = {"address": 255, "email": 255, "phone": 64, "website": 255}
FALSE_WORDS = {"0", "false", "no", "khong", "không", "n"}


class ExternalAgency(ContactDetails, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(10))
    updated_at = mapped_column(UtcDateTime, default=utcnow, nullable=False)


@dataclass(frozen=True)
class AgencyRow:
    code: str
    name: str
    parent_code: str | None
    active: bool
    address: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""

    def contact(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in CONTACT_FIELDS)


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    warnings: list[str] = field(default_factory=list)  # kept rows with a problem
    errors: list[str] = field(default_factory=list)  # rows left out


def normalise_code(code) -> str:
    return str(code or "").strip().upper()


def _active(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value if value is not None else "").strip().lower() not in FALSE_WORDS


def rows_from_records(records: Iterable[Mapping], summary: ImportSummary, *, first_line: int = 1) -> list[AgencyRow]:
    """Check and normalise records (one mapping per agency); later duplicates of a code replace earlier ones."""
    rows: dict[str, AgencyRow] = {}
    for line, record_ in enumerate(records, start=first_line):
        if line - first_line >= MAX_ROWS:
            summary.errors.append(_("Tệp có quá %(n)s dòng; phần còn lại bị bỏ qua.", n=MAX_ROWS))
            break
        if not isinstance(record_, Mapping):
            summary.errors.append(_("Dòng %(line)s: không phải một cơ quan.", line=line))
            continue
        values = {COLUMNS[key.strip().lower()]: value for key, value in record_.items()
                  if isinstance(key, str) and key.strip().lower() in COLUMNS}
        code, name = normalise_code(values.get("code")), str(values.get("name") or "").strip()
        if not code or not name:
            summary.errors.append(_("Dòng %(line)s: thiếu mã định danh hoặc tên cơ quan.", line=line))
            continue
        if len(code) > CODE_LENGTH or len(name) > 255:
            summary.errors.append(_("Dòng %(line)s: mã hoặc tên quá dài.", line=line))
            continue
        if not AGENCY_CODE_PATTERN.match(code):
            summary.warnings.append(_("Dòng %(line)s: mã %(code)s không đúng dạng ccc.cc.cc.Lnn; vẫn được lưu.",
                                      line=line, code=code))
        if code in rows:
            summary.warnings.append(_("Dòng %(line)s: mã %(code)s lặp lại; dòng sau được dùng.", line=line, code=code))
        parent_code = normalise_code(values.get("parent_code"))[:CODE_LENGTH] or None
        contact = {name: " ".join(str(values.get(name) or "").split())[:CONTACT_LENGTHS[name]]
                   for name in CONTACT_FIELDS}
        rows[code] = AgencyRow(code, name, parent_code, _active(values.get("active")), **contact)
    return list(rows.values())


def parse_agency_file(data: bytes, filename: str, summary: ImportSummary) -> tuple[list[AgencyRow], str]:
    """Rows of a CSV (header row) or JSON (a list, or an object with "agencies"/"data") file, and its source."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        summary.errors.append(_("Tệp không phải văn bản UTF-8."))
        return [], "csv"
    if filename.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        try:
            parsed = json.loads(text)
        except ValueError:
            summary.errors.append(_("Tệp JSON không đọc được."))
            return [], "json"
        if isinstance(parsed, Mapping):
            parsed = parsed.get("agencies", parsed.get("data"))
        if not isinstance(parsed, list):
            summary.errors.append(_("Tệp JSON phải là một danh sách cơ quan."))
            return [], "json"
        return rows_from_records(parsed, summary), "json"
    return rows_from_records(csv.DictReader(io.StringIO(text)), summary, first_line=2), "csv"


def _contact(agency: ExternalAgency) -> tuple[str, ...]:
    return tuple(getattr(agency, name) or "" for name in CONTACT_FIELDS)


def _kept_contact(agency: ExternalAgency, row: AgencyRow) -> tuple[str, ...]:
    """The row's contact details; a source that does not carry one (the axis' list) keeps the known value."""
    return tuple(new or old for new, old in zip(row.contact(), _contact(agency)))


def upsert_agencies(rows: list[AgencyRow], *, source: str, summary: ImportSummary, actor=None) -> ImportSummary:
    """Insert new codes and update changed ones; running it twice with the same rows changes nothing."""
    codes = [row.code for row in rows]
    existing, own = {}, set()
    for start in range(0, len(codes), 500):  # IN lists stay well under the databases' parameter limits
        chunk = codes[start:start + 500]
        existing.update((agency.code, agency) for agency in db.session.scalars(
            select(ExternalAgency).where(ExternalAgency.code.in_(chunk))))
        own.update(db.session.scalars(select(Agency.code).where(Agency.code.in_(chunk))))
    for code in sorted(own):
        summary.warnings.append(_("Mã %(code)s là cơ quan của hệ thống này; danh bạ ngoài vẫn ghi lại.", code=code))
    now = utcnow()
    for row in rows:
        agency = existing.get(row.code)
        if agency is None:
            db.session.add(ExternalAgency(code=row.code, name=row.name, parent_code=row.parent_code,
                                          active=row.active, source=source, updated_at=now,
                                          **dict(zip(CONTACT_FIELDS, row.contact()))))
            summary.created += 1
        elif (agency.name, agency.parent_code, agency.active, *_contact(agency)) != (
                row.name, row.parent_code, row.active, *_kept_contact(agency, row)):
            agency.name, agency.parent_code, agency.active = row.name, row.parent_code, row.active
            for name, value in zip(CONTACT_FIELDS, _kept_contact(agency, row)):
                setattr(agency, name, value)
            agency.source, agency.updated_at = source, now
            summary.updated += 1
        else:
            summary.unchanged += 1
    db.session.flush()
    _record_if_changed(summary, source, actor)
    return summary


def _record_if_changed(summary: ImportSummary, source: str, actor) -> None:
    # A periodic sync that finds nothing new must not fill the audit chain.
    if summary.created or summary.updated or summary.deactivated:
        record("external_agencies_imported", actor=actor, source=source, created=summary.created,
               updated=summary.updated, deactivated=summary.deactivated)


def import_agencies(data: bytes, filename: str, *, actor=None) -> ImportSummary:
    """Import a CSV or JSON directory file: bad rows are reported and left out, the others upserted."""
    summary = ImportSummary()
    rows, source = parse_agency_file(data, filename, summary)
    return upsert_agencies(rows, source=source, summary=summary, actor=actor)


def sync_agencies(fetch: Callable[[], Iterable], *, actor=None) -> ImportSummary:
    """Upsert the axis' agency list (`fetch` is getAgenciesList: mappings, or the client's AxisAgency
    records); codes it no longer lists become inactive."""
    summary = ImportSummary()
    rows = rows_from_records([asdict(r) if is_dataclass(r) else r for r in fetch()], summary)
    if not rows:
        # An empty answer is far likelier a fault than a country without agencies: change nothing.
        summary.errors.append(_("Trục liên thông trả về danh sách cơ quan rỗng; không cập nhật."))
        return summary
    listed = {row.code for row in rows}
    for agency in db.session.scalars(select(ExternalAgency).where(ExternalAgency.source == "axis",
                                                                  ExternalAgency.active.is_(True))):
        if agency.code not in listed:
            agency.active, agency.updated_at = False, utcnow()
            summary.deactivated += 1
    return upsert_agencies(rows, source="axis", summary=summary, actor=actor)


def external_agency_names(codes: Iterable[str]) -> dict[str, str]:
    """Code -> name for the codes found among this installation's agencies or the external directory."""
    codes = sorted({normalise_code(code) for code in codes})
    if not codes:
        return {}
    names = dict(db.session.execute(select(ExternalAgency.code, ExternalAgency.name)
                                    .where(ExternalAgency.code.in_(codes))).all())
    names.update(db.session.execute(select(Agency.code, Agency.name).where(Agency.code.in_(codes))).all())
    return names


def agency_contacts(codes: Iterable[str]) -> dict[str, ContactDetails]:
    """Code -> the agency (here, else in the external directory) whose contact details edXML's To carries."""
    codes = sorted({normalise_code(code) for code in codes})
    if not codes:
        return {}
    found: dict[str, ContactDetails] = {a.code: a for a in db.session.scalars(
        select(ExternalAgency).where(ExternalAgency.code.in_(codes)))}
    found.update((a.code, a) for a in db.session.scalars(select(Agency).where(Agency.code.in_(codes))))
    return found
