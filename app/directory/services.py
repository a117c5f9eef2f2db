"""Create and change agencies, departments and users; every change is audited."""
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.passwords import hash_password, password_problem
from app.auth.services import end_sign_ins
from app.extensions import db

from .models import AGENCY_CODE_PATTERN, Agency, Department, User

USERNAME_PATTERN = re.compile(r"^[a-z0-9._-]{2,64}$")


# Services take `actor=None` only when the installation itself acts (the bootstrap command).


class DirectoryError(ValueError):
    """A change refused for a reason the user can fix; `fields` maps field names to messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


def agency_code_problem(code: str) -> str | None:
    """Return why a mã định danh is malformed, or None."""
    if not AGENCY_CODE_PATTERN.match(code or ""):
        return _("Mã định danh gồm 13 ký tự, 4 nhóm cách nhau bởi dấu chấm, dạng 000.00.00.H63.")
    return None


def _check_agency(fields: dict, agency: Agency | None) -> None:
    errors = {}
    problem = agency_code_problem(fields["code"])
    if problem:
        errors["code"] = problem
    else:
        clash = db.session.scalar(select(Agency.id).where(Agency.code == fields["code"]))
        if clash and (agency is None or clash != agency.id):
            errors["code"] = _("Mã định danh này đã được dùng cho cơ quan khác.")
    parent_id = fields.get("parent_id")
    if agency is not None and parent_id and _is_descendant_or_self(parent_id, agency.id):
        errors["parent_id"] = _("Cơ quan cấp trên không thể là chính cơ quan này hoặc cơ quan cấp dưới của nó.")
    if errors:
        raise DirectoryError(errors)


def _is_descendant_or_self(candidate_id: int, agency_id: int) -> bool:
    current = db.session.get(Agency, candidate_id)
    while current is not None:
        if current.id == agency_id:
            return True
        current = current.parent
    return False


def create_agency(*, actor: User | None, **fields) -> Agency:
    """Create an agency (code, name, short_name, kind, parent_id; address, email, phone, website)."""
    _check_agency(fields, None)
    agency = Agency(**fields)
    db.session.add(agency)
    db.session.flush()
    record("agency_created", actor=actor, subject=agency, agency_id=agency.id, **fields)
    return agency


def update_agency(agency: Agency, *, actor: User, **fields) -> Agency:
    """Change an agency's details; the audit event keeps the before and after values."""
    _check_agency(fields, agency)
    changes = _apply(agency, fields)
    if changes:
        record("agency_updated", actor=actor, subject=agency, agency_id=agency.id, changes=changes)
    return agency


def set_agency_active(agency: Agency, active: bool, *, actor: User) -> None:
    agency.active = active
    record("agency_activated" if active else "agency_deactivated", actor=actor, subject=agency,
           agency_id=agency.id)
    db.session.flush()


def create_department(agency: Agency, *, actor: User, name: str, abbreviation: str) -> Department:
    """Add a department (phòng, ban) to an agency."""
    _check_department_abbreviation(agency, abbreviation, None)
    department = Department(agency=agency, name=name, abbreviation=abbreviation)
    db.session.add(department)
    db.session.flush()
    record("department_created", actor=actor, subject=department, agency_id=agency.id,
           name=name, abbreviation=abbreviation)
    return department


def update_department(department: Department, *, actor: User, **fields) -> Department:
    _check_department_abbreviation(department.agency, fields["abbreviation"], department)
    changes = _apply(department, fields)
    if changes:
        record("department_updated", actor=actor, subject=department,
               agency_id=department.agency_id, changes=changes)
    return department


def set_department_active(department: Department, active: bool, *, actor: User) -> None:
    department.active = active
    record("department_activated" if active else "department_deactivated", actor=actor,
           subject=department, agency_id=department.agency_id)
    db.session.flush()


def _check_department_abbreviation(agency, abbreviation, department) -> None:
    clash = db.session.scalar(select(Department.id).where(
        Department.agency_id == agency.id, Department.abbreviation == abbreviation))
    if clash and (department is None or clash != department.id):
        raise DirectoryError({"abbreviation": _("Cơ quan đã có phòng ban với chữ viết tắt này.")})


def _check_user(fields: dict, user: User | None) -> None:
    errors = {}
    username = fields.get("username")
    if username is not None and not USERNAME_PATTERN.match(username):
        errors["username"] = _("Tên đăng nhập dài 2–64 ký tự: chữ thường không dấu, số, dấu chấm, "
                               "gạch dưới hoặc gạch ngang.")
    elif username is not None:
        clash = db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower()))
        if clash and (user is None or clash != user.id):
            errors["username"] = _("Tên đăng nhập đã có người dùng.")
    department_id = fields.get("department_id")
    if department_id:
        department = db.session.get(Department, department_id)
        if department is None or department.agency_id != fields["agency_id"]:
            errors["department_id"] = _("Phòng ban không thuộc cơ quan đã chọn.")
    if errors:
        raise DirectoryError(errors)


def create_user(*, actor: User | None, roles, password: str, **fields) -> User:
    """Create an account (username, full_name, job_title, email, agency_id, department_id)."""
    fields["username"] = fields["username"].strip().lower()
    _check_user(fields, None)
    _check_password(password, fields["username"])
    user = User(password_hash=hash_password(password), **fields)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    record("user_created", actor=actor, subject=user, agency_id=user.agency_id,
           username=user.username, roles=sorted(roles))
    return user


def update_user(user: User, *, actor: User, roles, **fields) -> User:
    """Change a user's details and roles."""
    _check_user(fields, user)
    changes = _apply(user, fields)
    if set(roles) != user.roles:
        changes["roles"] = [sorted(user.roles), sorted(roles)]
        user.set_roles(roles)
    if changes:
        record("user_updated", actor=actor, subject=user, agency_id=user.agency_id, changes=changes)
    db.session.flush()
    return user


def _check_password(password: str, username: str) -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise DirectoryError({"password": problem})


def set_user_active(user: User, active: bool, *, actor: User) -> None:
    user.active = active
    record("user_activated" if active else "user_deactivated", actor=actor, subject=user,
           agency_id=user.agency_id)
    db.session.flush()


def reset_user_password(user: User, password: str, *, actor: User) -> None:
    """Set a temporary password the user must change at next login."""
    _check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_sign_ins(user)  # whoever signed in with the old password is out
    record("user_password_reset", actor=actor, subject=user, agency_id=user.agency_id)
    db.session.flush()


def _apply(obj, fields: dict) -> dict:
    """Set attributes and return {name: [old, new]} for those that changed."""
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    db.session.flush()
    return changes
