"""An agency with its clerk, leader and two units, another agency, retention periods, and handled documents.

Documents are written as rows (with a real file in the store) rather than driven through the incoming
process: filing only asks what a document is (agency, status, secrecy, handler), not how it got there.
"""
import io
import itertools
from dataclasses import dataclass
from datetime import date

import pytest

from app import models_registry  # noqa: F401  (every mapper known before a module builds a statement)
from app.documents.models import COMPLETED, Document, DocumentFile
from app.documents.outgoing.models import OutgoingDraft
from app.dossiers import services
from app.dossiers.models import RetentionPeriod
from app.filestore import store_pdf

from ..pdf_samples import minimal_pdf

_numbers = itertools.count(1)


@dataclass
class Office:
    agency: object
    clerk: object
    leader: object
    units: list  # [(department, specialist), ...]
    other_agency: object
    other_clerk: object
    period: object


@pytest.fixture
def office(make, db):
    agency = make.agency(name="Sở Nội vụ thử", short_name="SNV", code="000.00.21.H63")
    units = []
    for name, abbreviation in (("Phòng Tổ chức", "TC"), ("Phòng Cải cách hành chính", "CCHC")):
        department = make.department(agency=agency, name=name, abbreviation=abbreviation)
        units.append((department, make.user(agency=agency, roles=("specialist",), department_id=department.id)))
    other = make.agency(name="Sở Tài chính thử", short_name="STC")
    period = RetentionPeriod(name=f"Thử {next(_numbers)} năm", years=10, examples="")
    db.session.add(period)
    db.session.flush()
    return Office(agency, make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",)),
                  units, other, make.user(agency=other, roles=("clerk",)), period)


def add_document(app, db, agency, *, clerk=None, status=COMPLETED, secrecy=0, lead_user=None, subject=None,
                 document_date=date(2026, 3, 2), pdf: bytes | None = None, direction="incoming",
                 drafter=None, stage="released") -> Document:
    """A document of the agency with one stored PDF (the same bytes give the same stored file)."""
    n = next(_numbers)
    stored = store_pdf(io.BytesIO(pdf or minimal_pdf()), "van-ban.pdf", files_dir=app.config["FILES_DIR"],
                       max_bytes=1 << 20)
    document = Document(agency_id=agency.id, direction=direction, doc_type="CV", number=str(n), notation="UBND-VP",
                        issuer_name="UBND huyện Văn Yên", document_date=document_date,
                        subject=subject or f"V/v báo cáo cải cách hành chính số {n}", secrecy=secrecy,
                        status_code=status, page_count=2, received_by_id=clerk.id if clerk else None,
                        registered_by_id=clerk.id if clerk else None,
                        lead_user_id=lead_user.id if lead_user else None)
    document.files.append(DocumentFile(role="main", sha256=stored.sha256, name=stored.name, size=stored.size))
    db.session.add(document)
    db.session.flush()
    if direction == "outgoing":
        db.session.add(OutgoingDraft(document_id=document.id, drafter_id=drafter.id if drafter else None, stage=stage))
        db.session.flush()
    return document


def add_dossier(office, notation="TC.01", *, year=2026, actor=None, title=None, **overrides):
    fields = {"notation": notation, "title": f"Hồ sơ {notation}" if title is None else title, "department_id": None,
              "responsible_id": None, "retention_id": office.period.id, "access": "public", "note": ""}
    return services.create_dossier(actor=actor or office.clerk, year=year, **{**fields, **overrides})


@pytest.fixture
def document(app, db):
    def make_document(agency, **kwargs):
        return add_document(app, db, agency, **kwargs)
    return make_document


@pytest.fixture
def dossier(app, db):
    """Create a dossier inside a request context (the audit event's text is translated)."""
    def make_dossier(office, notation="TC.01", **kwargs):
        with app.test_request_context():
            return add_dossier(office, notation, **kwargs)
    return make_dossier
