"""Import users from a CSV file: bad rows are rejected with reasons, good rows are kept."""
import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.passwords import generate_temporary_password
from app.extensions import db

from .models import Agency, Department, User
from .roles import ROLE_LABELS, ROLES
from .services import DirectoryError, create_user

MAX_ROWS = 5000

# Vietnamese headers first (what the template offers), English accepted as well.
COLUMNS = {
    "ten_dang_nhap": "username", "username": "username",
    "ho_ten": "full_name", "full_name": "full_name",
    "chuc_vu": "job_title", "job_title": "job_title",
    "ma_dinh_danh": "agency_code", "agency_code": "agency_code",
    "phong_ban": "department", "department": "department",
    "vai_tro": "roles", "roles": "roles",
    "email": "email",
    "mat_khau": "password", "password": "password",
}
REQUIRED = ("username", "full_name", "agency_code", "roles")
TEMPLATE_HEADER = "ten_dang_nhap,ho_ten,chuc_vu,ma_dinh_danh,phong_ban,vai_tro,email,mat_khau"


@dataclass
class RowResult:
    line: int
    username: str
    errors: dict[str, str] = field(default_factory=dict)
    temporary_password: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    file_error: str | None = None

    @property
    def created(self) -> int:
        return sum(1 for row in self.rows if row.ok)

    @property
    def rejected(self) -> int:
        return sum(1 for row in self.rows if not row.ok)


def _role_keys(cell: str) -> tuple[list[str], list[str]]:
    by_label = {str(label).lower(): key for key, label in ROLE_LABELS.items()}
    known, unknown = [], []
    for part in filter(None, (p.strip() for p in cell.replace(",", ";").split(";"))):
        key = part if part in ROLES else by_label.get(part.lower())
        (known if key else unknown).append(key or part)
    return known, unknown


def import_users(data: bytes, *, actor: User) -> ImportReport:
    """Create one user per CSV row, each row in its own savepoint."""
    report = ImportReport()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_error = _("Tệp phải được lưu với bảng mã UTF-8.")
        return report
    reader = csv.DictReader(io.StringIO(text))
    headers = {COLUMNS.get((h or "").strip().lower()) for h in reader.fieldnames or []}
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        report.file_error = _("Tệp thiếu cột bắt buộc. Dòng tiêu đề cần có: %(header)s",
                              header=TEMPLATE_HEADER)
        return report
    for index, raw in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            report.file_error = _("Mỗi lần chỉ nhập tối đa %(n)s dòng; các dòng sau đã bị bỏ qua.",
                                  n=MAX_ROWS)
            break
        row = {COLUMNS[k.strip().lower()]: (v or "").strip()
               for k, v in raw.items() if k and k.strip().lower() in COLUMNS}
        report.rows.append(_import_row(index, row, actor))
    record("users_imported", actor=actor, created=report.created, rejected=report.rejected)
    return report


def _import_row(line: int, row: dict, actor: User) -> RowResult:
    result = RowResult(line, row.get("username", ""))
    fields, errors = _row_fields(row, actor)
    if errors:
        result.errors = errors
        return result
    password = row.get("password") or generate_temporary_password(fields["username"])
    savepoint = db.session.begin_nested()
    try:
        user = create_user(actor=actor, password=password, **fields)
        user.must_change_password = not row.get("password")
        savepoint.commit()
    except DirectoryError as refused:
        savepoint.rollback()
        result.errors = refused.fields
        return result
    if not row.get("password"):
        result.temporary_password = password
    return result


def _row_fields(row: dict, actor: User) -> tuple[dict, dict]:
    errors = {}
    for name in REQUIRED:
        if not row.get(name):
            errors[name] = _("Thiếu giá trị.")
    agency = db.session.scalars(select(Agency).where(Agency.code == row.get("agency_code"))).first()
    if row.get("agency_code") and agency is None:
        errors["agency_code"] = _("Không có cơ quan với mã định danh này.")
    elif agency is not None and not actor.province_wide and agency.id != actor.agency_id:
        errors["agency_code"] = _("Bạn chỉ được nhập người dùng cho cơ quan của mình.")
    department_id = None
    if agency is not None and row.get("department"):
        department_id = db.session.scalar(select(Department.id).where(
            Department.agency_id == agency.id, Department.abbreviation == row["department"]))
        if department_id is None:
            errors["department"] = _("Cơ quan không có phòng ban viết tắt là %(abbr)s.",
                                     abbr=row["department"])
    roles, unknown = _role_keys(row.get("roles", ""))
    if unknown:
        errors["roles"] = _("Vai trò không hợp lệ: %(roles)s.", roles=", ".join(unknown))
    if errors:
        return {}, errors
    return {
        "username": row["username"], "full_name": row["full_name"], "job_title": row.get("job_title", ""),
        "email": row.get("email") or None, "agency_id": agency.id, "department_id": department_id,
        "roles": roles,
    }, {}

