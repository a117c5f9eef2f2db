"""Demo dossiers for `flask seed-demo`: last year's and this year's Danh mục hồ sơ of every agency that has
handled documents, and those documents filed in them, through the same services people use."""
from dataclasses import dataclass

from sqlalchemy import select

from app.directory.models import Agency, Department, User, UserRole
from app.directory.roles import CLERK
from app.documents.models import Document
from app.extensions import db
from app.vietnam_time import vietnam_today

from . import filing, services
from .models import Dossier, RetentionPeriod

# Two dossiers per unit: notation suffix, title (the unit's name follows), retention period (name, years).
KINDS = ((".01", "Hồ sơ công văn trao đổi về công tác chuyên môn của", ("10 năm", 10)),
         (".02", "Hồ sơ kế hoạch, báo cáo công tác năm của", ("Vĩnh viễn", None)))
UNITS_PER_AGENCY = 4


@dataclass
class DemoDossiersSummary:
    agencies: int
    dossiers: int
    filed: int


def seed_demo_dossiers() -> DemoDossiersSummary:
    """Lists for last year (copied into this year) and this year's handled documents filed; flushes only."""
    year = vietnam_today().year
    handled = db.session.scalars(select(Document).where(Document.status_code == "06")
                                 .order_by(Document.agency_id, Document.id)).all()
    handled += [d for d in db.session.scalars(select(Document).where(Document.direction == "outgoing")
                                              .order_by(Document.agency_id, Document.id)) if filing.is_handled(d)]
    by_agency: dict[int, list[Document]] = {}
    for document in handled:
        by_agency.setdefault(document.agency_id, []).append(document)
    agencies = dossiers = filed = 0
    for agency_id, documents in sorted(by_agency.items()):
        clerk = db.session.scalars(select(User).join(UserRole).where(
            User.agency_id == agency_id, UserRole.role == CLERK, User.active.is_(True)).order_by(User.id)).first()
        if clerk is None or db.session.scalar(select(Dossier.id).where(Dossier.agency_id == agency_id)):
            continue
        if not _last_years_list(db.session.get(Agency, agency_id), clerk, year - 1):
            continue  # no unit to keep a dossier
        copied = services.copy_previous_year(actor=clerk, year=year)
        agencies += 1
        dossiers += 2 * len(copied)
        copies = {d.department_id: d for d in copied if d.notation.endswith(KINDS[0][0])}
        for document in documents:
            target = copies.get(document.lead_department_id) or next(iter(copies.values()))
            try:
                filing.file_document(document, [target.id], actor=clerk)
                filed += 1
            except services.DossierRefused:
                continue  # a secret document this clerk may not open stays unfiled, as it would by hand
    return DemoDossiersSummary(agencies, dossiers, filed)


def _last_years_list(agency: Agency, clerk: User, year: int) -> int:
    units = db.session.scalars(select(Department).where(Department.agency_id == agency.id,
                                                        Department.active.is_(True))
                               .order_by(Department.id).limit(UNITS_PER_AGENCY)).all()
    count = 0
    for index, unit in enumerate(units, start=1):
        base = unit.abbreviation.upper() if services.NOTATION_PATTERN.match(unit.abbreviation.upper()) else f"P{index}"
        for suffix, title, period in KINDS:
            services.create_dossier(actor=clerk, year=year, notation=base + suffix, title=f"{title} {unit.name}",
                                    department_id=unit.id, responsible_id=None,
                                    retention_id=_period_id(*period), access="public", note="")
            count += 1
    return count


def _period_id(name: str, years: int | None) -> int:
    """The migration's period of that name; made again if someone removed it (the demo runs on any database)."""
    period = db.session.scalar(select(RetentionPeriod).where(RetentionPeriod.name == name))
    if period is None:
        period = services.create_retention_period(actor=None, name=name, years=years, examples="")
    return period.id
