"""Demo dossiers for `flask seed-demo`: last year's and this year's Danh mục hồ sơ of every agency that has
handled documents, and those documents filed in them, through the same services people use; and Sở Nội vụ's
closed dossiers of last year, one handed over in a preservation package (seed_demo_handover)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

from sqlalchemy import select

from app.directory.models import Agency, Department, User, UserRole
from app.directory.roles import CLERK
from app.documents.models import COMPLETED, Document, DocumentFile, StatusChange
from app.extensions import db
from app.filestore import store_pdf
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM, vietnam_today

from . import closing, filing, preservation, services
from .handover import build_package
from .models import OPEN, Dossier, RetentionPeriod
from .package import package_id_for

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


# The hand-over demo: Sở Nội vụ's closed dossiers of last year, one of them handed over in a package.

HANDOVER_AGENCY = "SNV"  # Sở Nội vụ of the Yên Bái demo
HANDOVER_LETTERS = (
    ("Báo cáo kết quả thực hiện công tác cải cách hành chính năm", date(2025, 6, 20)),
    ("Kế hoạch kiểm tra công tác văn thư, lưu trữ năm", date(2025, 3, 14)),
    ("Báo cáo tổng kết công tác tổ chức cán bộ năm", date(2025, 12, 10)),
    ("Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm", date(2025, 2, 25)),
)
LETTER = """<html><head><meta charset="utf-8"><style>@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "LT Serif"; font-size: 14pt; }}</style></head><body>
<p style="text-align:center"><b>UBND TỈNH YÊN BÁI<br>SỞ NỘI VỤ</b></p>
<p>Số: {number}/SNV-VP, ngày {day:%d/%m/%Y}</p><p><b>{subject}</b></p>
<p>Sở Nội vụ báo cáo, đề nghị các cơ quan, đơn vị triển khai thực hiện theo đúng quy định.</p>
<p>Nơi nhận: như trên; lưu VT.</p></body></html>"""


@dataclass
class DemoHandover:
    closed: int
    package_id: str
    path: Path


def packages_dir(config) -> Path:
    """Where the demo keeps the packages it hands over: goi-nop-luu/ in the file store (never a blob name)."""
    return Path(config["FILES_DIR"]) / "goi-nop-luu"


def seed_demo_handover(config) -> DemoHandover | None:
    """Sở Nội vụ's last-year dossiers: two get documents of that year, are closed (PDF/A copies made) and are
    ready to hand over; the first is handed over in one package written to packages_dir. Nothing when the
    agency is not there, already handed something over, or Ghostscript is missing; flushes only (the package
    file is written)."""
    from app.rendering.pdf import render_pdf  # WeasyPrint only when the demo is seeded

    agency = db.session.scalars(select(Agency).where(Agency.short_name == HANDOVER_AGENCY)).first()
    if agency is None or db.session.scalar(select(Dossier.id).where(Dossier.agency_id == agency.id,
                                                                    Dossier.handed_over_at.is_not(None))):
        return None
    clerk = db.session.scalars(select(User).join(UserRole).where(
        User.agency_id == agency.id, UserRole.role == CLERK, User.active.is_(True)).order_by(User.id)).first()
    year = vietnam_today().year - 1
    targets = db.session.scalars(select(Dossier).where(Dossier.agency_id == agency.id, Dossier.year == year,
                                                       Dossier.status == OPEN, Dossier.notation.like("%.02"))
                                 .order_by(Dossier.notation).limit(2)).all()
    if clerk is None or len(targets) < 2:
        return None
    try:
        preservation.converter_name()
    except preservation.ConverterMissing:
        return None  # no Ghostscript here: the demo goes without closed dossiers rather than failing
    files_dir = Path(config["FILES_DIR"])
    for index, (title, day) in enumerate(HANDOVER_LETTERS):
        subject = f"{title} {year}"
        pdf = render_pdf(LETTER.format(number=100 + index, day=day.replace(year=year), subject=subject))
        stored = store_pdf(BytesIO(pdf), f"van-ban-{year}-{index + 1}.pdf", files_dir=files_dir,
                           max_bytes=config["MAX_CONTENT_LENGTH"])
        received = datetime.combine(day.replace(year=year), time(9), tzinfo=VIETNAM)
        document = Document(agency_id=agency.id, direction="incoming", doc_type="BC" if "Báo cáo" in title else "KH",
                            number=str(100 + index), notation="SNV-VP", issuer_name=agency.name,
                            document_date=day.replace(year=year), subject=subject, status_code=COMPLETED,
                            page_count=1, received_by_id=clerk.id, registered_by_id=clerk.id, received_at=received,
                            registered_at=received, completed_at=received + timedelta(days=5))
        document.statuses.extend([StatusChange(code="01", at=received, actor_id=clerk.id),
                                  StatusChange(code=COMPLETED, at=received + timedelta(days=5), actor_id=clerk.id)])
        document.files.append(DocumentFile(role="main", sha256=stored.sha256, name=stored.name, size=stored.size))
        db.session.add(document)
        db.session.flush()
        filing.file_document(document, [targets[index % 2].id], actor=clerk)
    for target in targets:
        sources = [sha256 for _id, sha256, _name in closing.files_needing_copies(target.id)]
        closing.close_dossier(target, preservation.convert_files(sources, files_dir), actor=clerk)
    out_dir = packages_dir(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    now = utcnow()
    out = out_dir / f"{package_id_for(agency, now)}.zip"
    built = build_package(agency.code, [targets[0].code], out, actor=clerk, config=config, now=now)
    return DemoHandover(len(targets), built.package_id, out)
