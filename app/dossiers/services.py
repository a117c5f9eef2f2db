"""The retention periods and the annual Danh mục hồ sơ: create, change, copy last year's; every change audited.

Who keeps a list: the agency's clerks and leaders, for their own agency only. The unit and person
responsible for a dossier are checked here against the dossier's agency, whatever the form offered.
"""
import re

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.directory.models import Department, User
from app.directory.roles import CLERK, LEADER
from app.extensions import db

from .models import ACCESS_REGIMES, OPEN, Dossier, RetentionPeriod

# Số và ký hiệu hồ sơ: capital letters, digits, and single . - / between groups (TH.01, VP-12, 01/TCCB).
NOTATION_PATTERN = re.compile(r"^[0-9A-ZĐ]+(?:[./-][0-9A-ZĐ]+)*$")
NOTATION_MAX = 32
TITLE_MAX = 500
DOSSIER_FIELDS = ("notation", "title", "department_id", "responsible_id", "retention_id", "access", "note")


class DossierRefused(ValueError):
    """A change refused for a reason the user can fix; `fields` maps field names to Vietnamese messages."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(fields)
        self.fields = fields


def keeps_dossiers(actor) -> bool:
    """Whether the actor keeps the Danh mục hồ sơ of their agency (the menu offers it to exactly these)."""
    return actor.has_role(CLERK, LEADER)


def keeps_list_of(dossier: Dossier, actor) -> bool:
    return keeps_dossiers(actor) and dossier.agency_id == actor.agency_id


# Retention periods (thời hạn bảo quản): one table for the installation, kept by its administrators.

def retention_periods(*, active_only: bool = False) -> list[RetentionPeriod]:
    """Permanent first, then the longest periods: the order of Thông tư 10/2022's table."""
    statement = select(RetentionPeriod).order_by(RetentionPeriod.years.is_not(None), RetentionPeriod.years.desc(),
                                                 RetentionPeriod.id)
    if active_only:
        statement = statement.where(RetentionPeriod.active.is_(True))
    return list(db.session.scalars(statement))


def _check_retention(name: str, years: int | None, period: RetentionPeriod | None) -> None:
    errors = {}
    if not name:
        errors["name"] = _("Nhập tên thời hạn bảo quản.")
    elif len(name) > 64:
        errors["name"] = _("Tên thời hạn bảo quản tối đa 64 ký tự.")
    else:
        clash = db.session.scalar(select(RetentionPeriod.id).where(RetentionPeriod.name == name))
        if clash is not None and (period is None or clash != period.id):
            errors["name"] = _("Đã có thời hạn bảo quản mang tên này.")
    if years is not None and not 1 <= years <= 200:
        errors["years"] = _("Số năm từ 1 đến 200; để trống nếu bảo quản vĩnh viễn.")
    if errors:
        raise DossierRefused(errors)


def create_retention_period(*, actor, name: str, years: int | None, examples: str) -> RetentionPeriod:
    _check_retention(name, years, None)
    period = RetentionPeriod(name=name, years=years, examples=examples, active=True)
    db.session.add(period)
    db.session.flush()
    record("retention_period_created", actor=actor, subject=period, name=name, years=years, examples=examples)
    return period


def update_retention_period(period: RetentionPeriod, *, actor, name: str, years: int | None, examples: str,
                            active: bool) -> RetentionPeriod:
    """Change a period; dossiers already listed keep pointing at it (a renamed period renames their column)."""
    _check_retention(name, years, period)
    changes = {key: [getattr(period, key), value] for key, value in
               (("name", name), ("years", years), ("examples", examples), ("active", active))
               if getattr(period, key) != value}
    for key, (_before, after) in changes.items():
        setattr(period, key, after)
    if changes:
        db.session.flush()
        record("retention_period_updated", actor=actor, subject=period, changes=changes)
    return period


# The Danh mục hồ sơ.

def _check_dossier(agency_id: int, year: int, fields: dict, dossier: Dossier | None) -> None:
    errors = {}
    notation = fields["notation"]
    if not notation:
        errors["notation"] = _("Nhập số và ký hiệu hồ sơ.")
    elif len(notation) > NOTATION_MAX or not NOTATION_PATTERN.match(notation):
        errors["notation"] = _("Ký hiệu hồ sơ gồm chữ in hoa, chữ số và các dấu . - / giữa các nhóm, tối đa "
                               "32 ký tự (ví dụ TH.01).")
    else:
        clash = db.session.scalar(select(Dossier.id).where(Dossier.agency_id == agency_id, Dossier.year == year,
                                                           Dossier.notation == notation))
        if clash is not None and (dossier is None or clash != dossier.id):
            errors["notation"] = _("Danh mục năm %(year)s đã có hồ sơ mang ký hiệu này.", year=year)
    if not fields["title"]:
        errors["title"] = _("Nhập tiêu đề hồ sơ.")
    elif len(fields["title"]) > TITLE_MAX:
        errors["title"] = _("Tiêu đề hồ sơ tối đa 500 ký tự.")
    department_id, responsible_id = fields["department_id"], fields["responsible_id"]
    if department_id is not None and not db.session.scalar(select(exists().where(
            Department.id == department_id, Department.agency_id == agency_id, Department.active.is_(True)))):
        errors["department_id"] = _("Chọn đơn vị của cơ quan.")
    if responsible_id is not None:
        person = db.session.get(User, responsible_id)
        if person is None or person.agency_id != agency_id or not person.active:
            errors["responsible_id"] = _("Chọn người của cơ quan.")
        elif department_id is not None and person.department_id not in (None, department_id):
            errors["responsible_id"] = _("Người lập hồ sơ thuộc đơn vị khác với đơn vị đã chọn.")
    period = db.session.get(RetentionPeriod, fields["retention_id"]) if fields["retention_id"] else None
    keeps_inactive = dossier is not None and period is not None and period.id == dossier.retention_id
    if period is None or not (period.active or keeps_inactive):
        errors["retention_id"] = _("Chọn thời hạn bảo quản.")
    if fields["access"] not in ACCESS_REGIMES:
        errors["access"] = _("Chọn chế độ sử dụng.")
    if errors:
        raise DossierRefused(errors)


def create_dossier(*, actor, year: int, **fields) -> Dossier:
    """Add a dossier to the actor's agency's list for the year (fields: DOSSIER_FIELDS)."""
    if not keeps_dossiers(actor):
        raise DossierRefused({"__form__": _("Chỉ văn thư và lãnh đạo cơ quan lập danh mục hồ sơ.")})
    _check_dossier(actor.agency_id, year, fields, None)
    dossier = Dossier(agency_id=actor.agency_id, year=year, created_by_id=actor.id, status=OPEN, **fields)
    db.session.add(dossier)
    _flush_or_refuse_notation(year)
    record("dossier_created", actor=actor, subject=dossier, agency_id=dossier.agency_id, year=year, **fields)
    return dossier


def update_dossier(dossier: Dossier, *, actor, **fields) -> Dossier:
    """Change an open dossier of the actor's agency; the year stays (it names the list)."""
    if not keeps_list_of(dossier, actor):
        raise DossierRefused({"__form__": _("Chỉ văn thư và lãnh đạo cơ quan sửa danh mục hồ sơ.")})
    if not dossier.is_open:
        raise DossierRefused({"__form__": _("Hồ sơ đã đóng, không sửa được nữa.")})
    _check_dossier(dossier.agency_id, dossier.year, fields, dossier)
    changes = {key: [getattr(dossier, key), value] for key, value in fields.items() if getattr(dossier, key) != value}
    for key, (_before, after) in changes.items():
        setattr(dossier, key, after)
    if changes:
        _flush_or_refuse_notation(dossier.year)
        record("dossier_updated", actor=actor, subject=dossier, agency_id=dossier.agency_id, changes=changes)
    return dossier


def _flush_or_refuse_notation(year: int) -> None:
    """Flush; two clerks giving the same notation at once meet the unique constraint, not a server error."""
    savepoint = db.session.begin_nested()
    try:
        db.session.flush()
    except IntegrityError as clash:
        savepoint.rollback()
        raise DossierRefused({"notation": _("Danh mục năm %(year)s đã có hồ sơ mang ký hiệu này.", year=year)}) \
            from clash
    savepoint.commit()


def copy_previous_year(*, actor, year: int) -> list[Dossier]:
    """Copy the agency's list of year − 1 into `year`, same notations (so the codes carry the new year).

    Refused as a whole when `year` already has any of those notations: running it twice copies nothing twice.
    """
    if not keeps_dossiers(actor):
        raise DossierRefused({"__form__": _("Chỉ văn thư và lãnh đạo cơ quan lập danh mục hồ sơ.")})
    if not 1901 <= year <= 2999:
        raise DossierRefused({"year": _("Năm không hợp lệ.")})
    sources = list(db.session.scalars(select(Dossier).where(Dossier.agency_id == actor.agency_id,
                                                            Dossier.year == year - 1).order_by(Dossier.id)))
    if not sources:
        raise DossierRefused({"year": _("Danh mục hồ sơ năm %(year)s chưa có hồ sơ nào để sao chép.", year=year - 1)})
    taken = set(db.session.scalars(select(Dossier.notation).where(
        Dossier.agency_id == actor.agency_id, Dossier.year == year,
        Dossier.notation.in_([source.notation for source in sources]))))
    if taken:
        raise DossierRefused({"year": _(
            "Danh mục năm %(year)s đã có hồ sơ cùng ký hiệu (%(codes)s): không sao chép để tránh trùng.",
            year=year, codes=", ".join(sorted(taken)[:10]))})
    copies = [Dossier(agency_id=actor.agency_id, year=year, created_by_id=actor.id, status=OPEN,
                      copied_from_id=source.id, **_carried_over(source)) for source in sources]
    db.session.add_all(copies)
    _flush_or_refuse_notation(year)
    for copy in copies:
        record("dossier_created", actor=actor, subject=copy, agency_id=copy.agency_id, year=year,
               copied_from_id=copy.copied_from_id, **{key: getattr(copy, key) for key in DOSSIER_FIELDS})
    return copies


def _carried_over(source: Dossier) -> dict:
    """A dossier's fields for next year's list; a unit or person no longer active is left for the clerk to choose."""
    department = source.department
    person = source.responsible
    return {"notation": source.notation, "title": source.title, "access": source.access, "note": source.note,
            "retention_id": source.retention_id,
            "department_id": department.id if department is not None and department.active else None,
            "responsible_id": person.id if person is not None and person.active
            and person.agency_id == source.agency_id else None}
