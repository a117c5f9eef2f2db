"""A sending agency (specialist, unit head, format checker, leader with a PIN key, clerk with the seal key),
a receiving agency inside the installation, and helpers to walk a draft through the outgoing process."""
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from app.signing.demo_keys import issue_demo_agency_key, issue_demo_person_key
from app.signing.demo_pki import ensure_demo_pki
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task, start_instance
from app.workflow.signing_tasks import sign_and_complete

PIN = "246810"


@dataclass
class Sender:
    agency: object
    unit: object
    specialist: object
    unit_head: object
    checker: object
    leader: object
    clerk: object
    recipient: object
    recipient_clerk: object


def make_sender(app, make) -> Sender:
    parent = make.agency(name="Ủy ban nhân dân tỉnh Thử", short_name="UBND")
    agency = make.agency(name="Văn phòng UBND tỉnh Thử", short_name="VPUBND", parent_id=parent.id)
    unit = make.department(agency=agency, name="Phòng Tổng hợp", abbreviation="TH")
    sender = Sender(
        agency, unit,
        make.user(agency=agency, roles=("specialist",), department_id=unit.id, full_name="Phạm Thị Lan Anh"),
        make.user(agency=agency, roles=("unit_head",), department_id=unit.id),
        make.user(agency=agency, roles=("format_checker",)),
        make.user(agency=agency, roles=("leader",), full_name="Trần Quang Minh", job_title="Chánh Văn phòng"),
        make.user(agency=agency, roles=("clerk",)),
        recipient := make.agency(name="Sở Nội vụ tỉnh Thử", short_name="SNV"),
        make.user(agency=recipient, roles=("clerk",)))
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    issue_demo_person_key(pki, sender.leader, agency.name, PIN)
    issue_demo_agency_key(pki, agency, app.config["SIGNING_KEY_PASSPHRASE"])
    return sender


def draft_data(sender: Sender, **overrides) -> dict:
    data = {"doc_type": "CV", "subject": "Đề nghị báo cáo tình hình thực hiện cải cách hành chính năm 2026",
            "body": "Thực hiện Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh, Văn phòng đề nghị Sở Nội vụ "
                    "báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2026.\nTrân trọng./.",
            "recipients": [sender.recipient.code], "signer": sender.leader.username, "authority": "TL.",
            "authority_of": "Chủ tịch", "urgency": 0, "secrecy": 0}
    return {**data, **overrides}


def task_of(db, instance_id: int, spec_id: str) -> HumanTask:
    rows = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).all()
    assert len(rows) == 1, spec_id
    return rows[0]


def start_draft(app, db, sender: Sender, **overrides) -> int:
    """Start the process as the specialist and save the draft; returns the instance id."""
    with app.test_request_context():
        instance = start_instance("outgoing_document", actor=sender.specialist)
        complete_task(task_of(db, instance.id, "draft").task_uuid, draft_data(sender, **overrides),
                      actor=sender.specialist)
    return instance.id


def approve_reviews(app, db, sender: Sender, instance_id: int) -> None:
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "review_content").task_uuid, {"decision": "approve", "comment": None},
                      actor=sender.unit_head)
        complete_task(task_of(db, instance_id, "check_format").task_uuid, {"decision": "approve", "comment": None},
                      actor=sender.checker)


def sign(app, db, sender: Sender, instance_id: int, pin: str = PIN, actor=None):
    with app.test_request_context():
        return sign_and_complete(task_of(db, instance_id, "sign").task_uuid, {"decision": "sign", "comment": None},
                                 actor=actor or sender.leader, pin=pin)


def issue(app, db, sender: Sender, instance_id: int):
    with app.test_request_context():
        return sign_and_complete(task_of(db, instance_id, "issue").task_uuid, {}, actor=sender.clerk, pin="")
