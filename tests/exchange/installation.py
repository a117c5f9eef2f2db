"""One installation, driven step by step from its own process: `python -m tests.exchange.installation STEP DIR`.

The two-installation test (test_two_installations.py) runs installation A and installation B each in their
own processes, with their own SQLite databases and file stores, connected only through the axis stand-in
(AXIS_* in the environment). Each step prints one JSON line for the test to check.
"""
import json
import sys
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app, models_registry  # noqa: F401  (every model mapped before any statement is built)
from app.directory.models import Agency, Department, User
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft
from app.documents.outgoing.page import recipient_statuses
from app.documents.outgoing.recall import request_recall
from app.extensions import db
from app.jobs.runner import run_job
from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..documents.outgoing_setup import Sender, approve_reviews, issue, make_sender, sign, start_draft
from ..factories import Factory

AGENCY_A, AGENCY_B = "000.00.01.H63", "000.00.02.H38"


def _app(folder: Path, shared_pki: Path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lienthong.db'}", "SECRET_KEY": "two",
                       "FILES_DIR": str(folder / "files"), "PKI_DIR": str(shared_pki),
                       "AUDIT_ANCHOR_LOG": str(folder / "anchors.log"),
                       "SIGNING_KEY_PASSPHRASE": "two-installations"})


def _state(folder: Path) -> dict:
    path = folder / "state.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _keep(folder: Path, **values) -> None:
    (folder / "state.json").write_text(json.dumps({**_state(folder), **values}))


def setup_a(app, folder: Path) -> dict:
    """The sending agency (code AGENCY_A) with its people and keys."""
    upgrade()
    sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
    sender = make_sender(app, Factory(db))
    sender.agency.code = AGENCY_A
    db.session.commit()
    _keep(folder, sender={name: getattr(sender, name).id for name in (
        "agency", "unit", "specialist", "unit_head", "checker", "leader", "clerk", "recipient", "recipient_clerk")},
        document_ids=[])
    return {}


def _sender(folder: Path) -> Sender:
    ids = _state(folder)["sender"]
    models = {"agency": Agency, "recipient": Agency, "unit": Department}
    return Sender(**{name: db.session.get(models.get(name, User), id_) for name, id_ in ids.items()})


def a_releases(app, folder: Path) -> dict:
    """A document drafted, reviewed, signed, numbered, sealed and released to B, which is outside."""
    sender = _sender(folder)
    instance_id = start_draft(app, db, sender, external_recipients=f"{AGENCY_B} - Sở Tài chính tỉnh B",
                              recipients=[])
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    db.session.commit()
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    _keep(folder, document_ids=_state(folder)["document_ids"] + [document.id])
    return {"document_id": document.id, "symbol": document.symbol}


def setup_b(app, folder: Path) -> dict:
    """The receiving agency (code AGENCY_B): a clerk, a leader, a unit with its specialist."""
    upgrade()
    sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
    make = Factory(db)
    agency = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    unit = make.department(agency=agency, name="Phòng Quản lý ngân sách")
    clerk, leader = make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",), department_id=unit.id)
    db.session.commit()
    _keep(folder, clerk_id=clerk.id, leader_id=leader.id, specialist_id=specialist.id, unit_id=unit.id,
          agency_id=agency.id)
    return {"agency_id": agency.id}


def jobs(app, folder: Path) -> dict:
    """What the installation's scheduler does: send its outbox, take its inbox."""
    return {"sent": run_job(app, "send_outbox_messages"), "taken": run_job(app, "poll_exchange_inbox")}


def b_documents(app, folder: Path) -> dict:
    rows = db.session.scalars(select(Document).where(Document.agency_id == _state(folder)["agency_id"])).all()
    return {"documents": [{"id": d.id, "status": d.status_code, "origin": d.origin, "symbol": d.symbol,
                           "verdicts": [v["verdict"] for v in d.signature_verdicts],
                           "instance": db.session.get(ProcessInstance, d.instance_id).status} for d in rows]}


def _b_document(folder: Path, number: str) -> Document:
    """B's `number`-th document (1, 2, …) in the order it arrived."""
    rows = db.session.scalars(select(Document).where(Document.agency_id == _state(folder)["agency_id"])
                              .order_by(Document.id)).all()
    return rows[int(number) - 1]


def _complete(app, folder: Path, number: str, steps) -> None:
    """Complete B's tasks on the document, in order: (task spec, person in the state, answer)."""
    state, document = _state(folder), _b_document(folder, number)
    for spec_id, person, data in steps:
        task = db.session.scalars(select(HumanTask).where(HumanTask.agency_id == state["agency_id"],
                                                          HumanTask.spec_id == spec_id)
                                  .join(ProcessInstance).where(ProcessInstance.subject_id == str(document.id))).one()
        with app.test_request_context():
            complete_task(task.task_uuid, data, actor=db.session.get(User, state[person]))
    db.session.commit()


def b_registers(app, folder: Path, number: str) -> dict:
    _complete(app, folder, number, [("receive", "clerk_id", {"receive_decision": "accept"}),
                                    ("register", "clerk_id", {"route": "leader"})])
    return {}


def b_handles(app, folder: Path, number: str) -> dict:
    """The leader assigns it to the specialist (04), who reports progress (05), then finishes (06)."""
    state = _state(folder)
    specialist = db.session.get(User, state["specialist_id"])
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    _complete(app, folder, number, [
        ("assign", "leader_id", {"lead_department_id": state["unit_id"], "lead_user": specialist.username,
                                 "due_date": due}),
        ("handle", "specialist_id", {"handling_action": "progress", "handling_note": "Đang tổng hợp"}),
        ("handle", "specialist_id", {"handling_action": "finish", "handling_note": "Đã xử lý xong"})])
    return {}


def b_agrees_to_recall(app, folder: Path, number: str) -> dict:
    _complete(app, folder, number, [("decide", "clerk_id", {"recall_decision": "agree", "recall_note": None})])
    return {}


def a_recalls(app, folder: Path, number: str) -> dict:
    document = db.session.get(Document, _state(folder)["document_ids"][int(number) - 1])
    with app.test_request_context():
        request_recall(document, actor=_sender(folder).clerk, reason="Ban hành nhầm")
    db.session.commit()
    return {}


def a_timeline(app, folder: Path, number: str) -> dict:
    draft = db.session.get(OutgoingDraft, _state(folder)["document_ids"][int(number) - 1])
    line = next(line for line in recipient_statuses(draft) if line.code == AGENCY_B)
    return {"status": line.status_code, "timeline": [step.code for step in line.timeline],
            "outbox": line.outbox_state}


STEPS = {f.__name__.replace("_", "-"): f for f in (setup_a, a_releases, setup_b, jobs, b_documents, b_registers,
                                                      b_handles, b_agrees_to_recall, a_recalls, a_timeline)}


def main(step: str, folder: str, shared_pki: str, *arguments: str) -> None:
    folder_path = Path(folder)
    folder_path.mkdir(parents=True, exist_ok=True)
    app = _app(folder_path, Path(shared_pki))
    with app.app_context():
        print(json.dumps(STEPS[step](app, folder_path, *arguments)))


if __name__ == "__main__":
    main(*sys.argv[1:])
