"""One installation, driven step by step from its own process: `python -m tests.exchange.installation STEP DIR`.

The two-installation test (test_two_installations.py) runs installation A and installation B each in their
own processes, with their own SQLite databases and file stores, connected only through the axis stand-in
(AXIS_* in the environment). Each step prints one JSON line for the test to check.
"""
import json
import sys
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app, models_registry  # noqa: F401  (every model mapped before any statement is built)
from app.directory.models import User
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft
from app.documents.outgoing.page import recipient_statuses
from app.documents.outgoing.recall import request_recall
from app.extensions import db
from app.jobs.runner import run_job
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft
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
    """The sending agency (code AGENCY_A) with its people and keys; a released document to B outside."""
    upgrade()
    sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
    sender = make_sender(app, Factory(db))
    sender.agency.code = AGENCY_A
    db.session.commit()
    instance_id = start_draft(app, db, sender, external_recipients=f"{AGENCY_B} - Sở Tài chính tỉnh B",
                              recipients=[])
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    db.session.commit()
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    _keep(folder, document_id=document.id, clerk_id=sender.clerk.id)
    return {"document_id": document.id, "symbol": document.symbol}


def setup_b(app, folder: Path) -> dict:
    upgrade()
    sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
    make = Factory(db)
    agency = make.agency(code=AGENCY_B, name="Sở Tài chính tỉnh B")
    clerk = make.user(agency=agency, roles=("clerk",))
    db.session.commit()
    _keep(folder, clerk_id=clerk.id, agency_id=agency.id)
    return {"agency_id": agency.id}


def jobs(app, folder: Path) -> dict:
    """What the installation's scheduler does: send its outbox, take its inbox."""
    return {"sent": run_job(app, "send_outbox_messages"), "taken": run_job(app, "poll_exchange_inbox")}


def b_documents(app, folder: Path) -> dict:
    rows = db.session.scalars(select(Document).where(Document.agency_id == _state(folder)["agency_id"])).all()
    return {"documents": [{"id": d.id, "status": d.status_code, "origin": d.origin, "symbol": d.symbol,
                           "verdicts": [v["verdict"] for v in d.signature_verdicts],
                           "instance": db.session.get(ProcessInstance, d.instance_id).status} for d in rows]}


def _b_task(folder: Path, spec_id: str):
    agency_id = _state(folder)["agency_id"]
    return db.session.scalars(select(HumanTask).where(HumanTask.agency_id == agency_id,
                                                      HumanTask.spec_id == spec_id)).one()


def b_registers(app, folder: Path) -> dict:
    clerk = db.session.get(User, _state(folder)["clerk_id"])
    for spec_id, data in (("receive", {"receive_decision": "accept"}), ("register", {"route": "leader"})):
        with app.test_request_context():
            complete_task(_b_task(folder, spec_id).task_uuid, data, actor=clerk)
    db.session.commit()
    return {}


def b_agrees_to_recall(app, folder: Path) -> dict:
    clerk = db.session.get(User, _state(folder)["clerk_id"])
    with app.test_request_context():
        complete_task(_b_task(folder, "decide").task_uuid, {"recall_decision": "agree", "recall_note": None},
                      actor=clerk)
    db.session.commit()
    return {}


def a_recalls(app, folder: Path) -> dict:
    state = _state(folder)
    with app.test_request_context():
        request_recall(db.session.get(Document, state["document_id"]),
                       actor=db.session.get(User, state["clerk_id"]), reason="Ban hành nhầm")
    db.session.commit()
    return {}


def a_timeline(app, folder: Path) -> dict:
    draft = db.session.get(OutgoingDraft, _state(folder)["document_id"])
    line = next(line for line in recipient_statuses(draft) if line.code == AGENCY_B)
    return {"status": line.status_code, "timeline": [step.code for step in line.timeline],
            "outbox": line.outbox_state}


STEPS = {f.__name__.replace("_", "-"): f for f in (setup_a, setup_b, jobs, b_documents, b_registers,
                                                      b_agrees_to_recall, a_recalls, a_timeline)}


def main(step: str, folder: str, shared_pki: str) -> None:
    folder_path = Path(folder)
    folder_path.mkdir(parents=True, exist_ok=True)
    app = _app(folder_path, Path(shared_pki))
    with app.app_context():
        print(json.dumps(STEPS[step](app, folder_path)))


if __name__ == "__main__":
    main(*sys.argv[1:])
