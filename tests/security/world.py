"""A small province for walking every route: two agencies, every demo role, a normal, a secret and an
outgoing document, an open task, a delegation, a designer's test run, and a dossier in each agency."""
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from app.designer.test_runs import start_test_run
from app.directory.delegation import create_delegation
from app.documents.metadata import parse_metadata
from app.documents.models import Document
from app.documents.receiving import receive_document
from app.dossiers.models import Dossier, RetentionPeriod
from app.dossiers.retention_models import DestructionProposal
from app.exchange.outbox import queue_message
from app.exchange.received import ReceivedPackage
from app.filestore import store_pdf
from app.notifications.models import NEW_TASK, Notification
from app.notifications.services import notify
from app.reports.monthly_models import MonthlyReport
from app.signing.demo_keys import issue_demo_agency_key, issue_demo_person_key
from app.signing.demo_pki import ensure_demo_pki
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask, Incident

from ..documents.conftest import metadata_values
from ..documents.outgoing_setup import Sender, start_draft
from ..pdf_samples import minimal_pdf

# The demo's roles: the lanes' people of one agency, and the province-wide staff of the UBND tỉnh.
AGENCY_ROLES = ("clerk", "leader", "unit_head", "specialist", "format_checker")
PROVINCE_ROLES = ("designer", "auditor", "admin")
ROLES = ("anonymous", *AGENCY_ROLES, *PROVINCE_ROLES)


@dataclass
class World:
    users: dict
    values: dict  # URL argument name -> the id to use by default
    variants: dict = field(default_factory=dict)  # variant name -> URL arguments that differ


def _receive(app, agency, clerk, **overrides):
    stored = store_pdf(io.BytesIO(minimal_pdf()), "van-ban.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
    return receive_document(agency_id=agency.id, metadata=parse_metadata(metadata_values(**overrides)),
                            main_file=stored, origin="paper", actor=clerk).document


def _monthly_report(app, db, agency) -> int:
    """A kept monthly report of the agency (its file a plain PDF: the matrix walks access, not signatures)."""
    stored = store_pdf(io.BytesIO(minimal_pdf()), "bao-cao.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
    row = MonthlyReport(agency_id=agency.id, month="2026-01", file_sha256=stored.sha256, file_size=stored.size,
                        signer_subject="", failure="", attempts=1)
    db.session.add(row)
    db.session.flush()
    return row.id


def build_world(app, db, make) -> World:
    province = make.agency(name="Ủy ban nhân dân tỉnh Thử", short_name="UBND", kind="province")
    home = make.agency(name="Văn phòng UBND tỉnh Thử", short_name="VPUBND", parent_id=province.id)
    other = make.agency(name="Sở Nội vụ tỉnh Thử", short_name="SNV", parent_id=province.id)
    unit = make.department(agency=home, name="Phòng Tổng hợp", abbreviation="TH")
    users = {role: make.user(agency=home, roles=(role,), department_id=unit.id if role in ("unit_head", "specialist")
                             else None, full_name=f"Người {role}") for role in AGENCY_ROLES}
    users.update({role: make.user(agency=province, roles=(role,), province_wide=True) for role in PROVINCE_ROLES})
    other_clerk = make.user(agency=other, roles=("clerk",))
    with app.test_request_context():
        normal = _receive(app, home, users["clerk"], number="101")
        secret = _receive(app, home, users["clerk"], number="102", secrecy="1")
        foreign = _receive(app, other, other_clerk, number="103")
        delegation = create_delegation(actor=users["leader"], delegator=users["leader"], delegate=users["specialist"],
                                       role="leader", starts_on=vietnam_today(), ends_on=vietnam_today() + timedelta(days=3))
        run = start_test_run("incoming_document", actor=users["designer"],
                             start_data='{"document_id": 0, "origin": "paper", "secrecy": 0}')
    # Each came in an edXML package too, so that the original package has something to serve.
    for document in (normal, secret, foreign):
        db.session.add(ReceivedPackage(agency_id=document.agency_id, document_id=document.id,
                                       sender_code="000.00.00.G22", edxml_document_id=f"goi-{document.id}",
                                       package_sha256=document.main_file.sha256, package_size=1))
    messages = [queue_message(agency_id=agency.id, kind="edoc", package=b"<edXML/>", recipient_codes=["000.00.00.G22"],
                              document_id=document.id) for agency, document in ((home, normal), (other, foreign))]
    for message in messages:
        message.state = "dead"  # what the "Gửi lỗi" page lists
    # Stored signatures, so that "my signature image" and the agency seal image have something to show.
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    issue_demo_person_key(pki, users["leader"], home.name, "246810")
    issue_demo_agency_key(pki, home, app.config["SIGNING_KEY_PASSPHRASE"])
    sender = Sender(home, unit, users["specialist"], users["unit_head"], users["format_checker"], users["leader"],
                    users["clerk"], other, other_clerk)
    outgoing_instance = start_draft(app, db, sender)
    outgoing = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == outgoing_instance)).first()
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == normal.instance_id)).first()
    notify(users["specialist"].id, NEW_TASK, document_id=normal.id, task_uuid=task.task_uuid)
    notice_id = db.session.scalars(select(Notification.id).where(Notification.user_id == users["specialist"].id)).first()
    values = {"notice_id": notice_id, "agency_id": home.id, "user_id": users["specialist"].id, "department_id": unit.id,
              "document_id": normal.id, "file_id": normal.main_file.id, "instance_id": normal.instance_id,
              "task_uuid": task.task_uuid, "task_id": task.task_uuid, "process_id": "incoming_document",
              "run_id": run.id, "number": 1, "delegation_id": delegation.id, "session_id": "khong-co",
              "code": "vi", "name": "bootstrap.min.css", "filename": "site.css", "message_id": messages[0].id}
    values["report_id"], other_report_id = (_monthly_report(app, db, agency) for agency in (home, other))
    outgoing_document = db.session.scalars(select(Document).where(Document.instance_id == outgoing_instance)).one()
    period = RetentionPeriod(name="Thử thế giới", years=10, examples="")
    db.session.add(period)
    db.session.flush()
    dossiers = [Dossier(agency_id=agency.id, year=2026, notation="TH.01", title="Hồ sơ thử", retention_id=period.id)
                for agency in (home, other)]
    db.session.add_all(dossiers)
    db.session.flush()
    proposals = [DestructionProposal(agency_id=dossier.agency_id, dossier_id=dossier.id,
                                     retention_ended_on=date(2025, 12, 31)) for dossier in dossiers]
    db.session.add_all(proposals)
    db.session.flush()
    values.update({"dossier_id": dossiers[0].id, "period_id": period.id, "proposal_id": proposals[0].id})
    incidents = [Incident(agency_id=d.agency_id, instance_id=d.instance_id, process_id="incoming_document",
                          task_spec="register", kind="permanent", message="Dịch vụ ở bước «Vào sổ» báo lỗi.")
                 for d in (normal, secret, foreign)]
    db.session.add_all(incidents)
    db.session.flush()
    values["incident_id"] = incidents[0].id
    variants = {
        "secret": {"incident_id": incidents[1].id, "document_id": secret.id, "file_id": secret.main_file.id, "instance_id": secret.instance_id},
        "other_agency": {"document_id": foreign.id, "file_id": foreign.main_file.id, "instance_id": foreign.instance_id,
                         "agency_id": other.id, "message_id": messages[1].id, "report_id": other_report_id,
                         "dossier_id": dossiers[1].id, "proposal_id": proposals[1].id, "incident_id": incidents[2].id},
        "outgoing": {"document_id": outgoing_document.id, "file_id": outgoing_document.main_file.id
                     if outgoing_document.main_file else 0, "instance_id": outgoing_instance,
                     "task_uuid": outgoing.task_uuid, "task_id": outgoing.task_uuid, "process_id": "outgoing_document"},
    }
    return World(users, values, variants)
