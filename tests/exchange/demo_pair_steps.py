"""A step of the liên thông demo pair, run inside one installation's process:
`python -m tests.exchange.demo_pair_steps STEP`, configured by the environment only (INSTANCE_PATH, AXIS_*),
exactly as `make run-axis` and `make run-peer` configure the servers. Each step prints one JSON line.
"""
import json
import sys

from flask import current_app
from sqlalchemy import select

from app import create_app, models_registry  # noqa: F401  (every model mapped before any statement is built)
from app.directory.models import Agency, Department, User, UserRole
from app.directory.roles import FORMAT_CHECKER
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft
from app.documents.outgoing.page import recipient_statuses
from app.exchange.directory import ExternalAgency
from app.exchange.messages import OutboxMessage
from app.extensions import db
from app.jobs.runner import run_job

from ..documents.outgoing_setup import Sender, approve_reviews, issue, sign, start_draft

SNV_YEN_BAI, SNV_LAO_CAI = "000.00.02.H63", "000.00.02.H38"


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def _exchange_jobs(app) -> dict:
    return {"sent": run_job(app, "send_outbox_messages"), "taken": run_job(app, "poll_exchange_inbox")}


def snv_releases(app) -> dict:
    """Yên Bái's Sở Nội vụ, with its demo accounts, releases a letter to Lào Cai's Sở Nội vụ; the jobs send it."""
    agency = db.session.scalars(select(Agency).where(Agency.code == SNV_YEN_BAI)).one()
    checker = db.session.scalars(select(User).join(UserRole).where(
        User.agency_id == agency.id, UserRole.role == FORMAT_CHECKER).order_by(User.id)).first()
    office = db.session.scalars(select(Department).where(Department.agency_id == agency.id,
                                                         Department.abbreviation == "VP")).one()
    sender = Sender(agency, office, _user("chuyenvien.snv"), _user("truongphong.snv"), checker,
                    _user("lanhdao.snv"), _user("vanthu.snv"), recipient=agency, recipient_clerk=None)
    instance_id = start_draft(app, db, sender, recipients=[], signer="lanhdao.snv",
                              subject="Trao đổi kinh nghiệm triển khai liên thông văn bản điện tử",
                              external_recipients=f"{SNV_LAO_CAI} - Sở Nội vụ tỉnh Lào Cai")
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id, pin=current_app.config["DEMO_SIGNING_PIN"])
    issue(app, db, sender, instance_id)
    db.session.commit()
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    released = {"document_id": document.id, "symbol": document.symbol}
    # SQLite transactions begin IMMEDIATE here: this session's must end before the jobs' sessions write.
    db.session.commit()
    return {**released, **_exchange_jobs(app)}


def lao_cai_takes(app) -> dict:
    """Lào Cai's jobs take what waits on the axis (and send its 01 back); what its Sở Nội vụ now holds, and its
    directory of external agencies after the daily sync with the axis."""
    jobs = [_exchange_jobs(app), _exchange_jobs(app)]
    run_job(app, "sync_exchange_agencies")
    directory = dict(db.session.execute(select(ExternalAgency.code, ExternalAgency.name)).all())
    agency = db.session.scalars(select(Agency).where(Agency.code == SNV_LAO_CAI)).one()
    rows = db.session.scalars(select(Document).where(Document.agency_id == agency.id)).all()
    return {"jobs": jobs, "directory": directory, "documents": [
        {"status": d.status_code, "origin": d.origin, "symbol": d.symbol, "issuer": [d.issuer_code, d.issuer_name],
         "verdicts": [v["verdict"] for v in d.signature_verdicts]} for d in rows]}


def yen_bai_sees(app, document_id: str) -> dict:
    """Yên Bái takes Lào Cai's statuses; the letter's line for Lào Cai, and the state of every outbox message."""
    jobs = _exchange_jobs(app)
    draft = db.session.get(OutgoingDraft, int(document_id))
    line = next(line for line in recipient_statuses(draft) if line.code == SNV_LAO_CAI)
    outbox = db.session.execute(select(OutboxMessage.recipient_codes, OutboxMessage.state, OutboxMessage.last_error)
                                .order_by(OutboxMessage.id)).all()
    return {"jobs": jobs, "timeline": [step.code for step in line.timeline],
            "outbox": [[codes, state, error] for codes, state, error in outbox]}


STEPS = {f.__name__.replace("_", "-"): f for f in (snv_releases, lao_cai_takes, yen_bai_sees)}


def main(step: str, *arguments: str) -> None:
    app = create_app()
    with app.app_context():
        print(json.dumps(STEPS[step](app, *arguments), ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:])
