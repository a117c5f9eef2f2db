"""An agency with a clerk, a leader and two units (head + specialists), and a way to bring a PDF in."""
import io
from dataclasses import dataclass

import pytest

from app.documents.metadata import parse_metadata
from app.documents.receiving import receive_document
from app.filestore import store_pdf
from app.vietnam_time import vietnam_today

from ..pdf_samples import minimal_pdf


@dataclass
class Office:
    agency: object
    clerk: object
    leader: object
    units: list  # [(department, head, specialist), ...]


@pytest.fixture
def office(make, deployed):
    agency = make.agency(name="Sở Nội vụ thử", short_name="SNV")
    units = []
    for name in ("Phòng Tổ chức", "Phòng Cải cách hành chính"):
        department = make.department(agency=agency, name=name)
        units.append((department,
                      make.user(agency=agency, roles=("unit_head",), department_id=department.id),
                      make.user(agency=agency, roles=("specialist",), department_id=department.id)))
    return Office(agency, make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",)),
                  units)


def metadata_values(**overrides) -> dict:
    values = {"doc_type": "CV", "number": "125", "notation": "UBND-VP", "issuer_code": "",
              "issuer_name": "UBND huyện Văn Yên", "document_date": vietnam_today().strftime("%d/%m/%Y"),
              "subject": "V/v báo cáo tình hình thực hiện cải cách hành chính quý IV", "urgency": "0",
              "secrecy": "0"}
    return {**values, **overrides}


@pytest.fixture
def bring_in(app, db):
    """Receive a document as the clerk would enter it (origin paper unless told otherwise)."""

    def receive(office, *, pdf: bytes | None = None, actor="clerk", origin="paper", **overrides):
        stored = store_pdf(io.BytesIO(pdf or minimal_pdf()), "van-ban.pdf", files_dir=app.config["FILES_DIR"],
                           max_bytes=20 << 20)
        with app.test_request_context():
            return receive_document(agency_id=office.agency.id, metadata=parse_metadata(metadata_values(**overrides)),
                                    main_file=stored, origin=origin,
                                    actor=getattr(office, actor) if actor else None,
                                    # As the callers do: the clerk's upload refuses, a delivery keeps it.
                                    refuse_broken_signatures=origin == "paper")

    return receive
