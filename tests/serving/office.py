"""An agency whose clerk has registrations waiting, and the steps of one person's session over HTTP."""
import io
from pathlib import Path

import requests
from sqlalchemy import select

from app.documents.metadata import parse_metadata
from app.documents.receiving import receive_document
from app.extensions import db as _db
from app.filestore import store_pdf
from app.workflow.deployment import check_process, deploy, sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue

from ..conftest import csrf_token_from
from ..documents.conftest import metadata_values
from ..factories import Factory
from ..pdf_samples import minimal_pdf


def office_with_registrations(app, documents: int):
    """A clerk with `documents` registrations waiting, a leader, a designer; assign_work in two versions."""
    make = Factory(_db)
    agency = make.agency()
    people = {role: make.user(agency=agency, roles=(role,)) for role in ("clerk", "leader", "designer")}
    people["stranger"] = make.user(agency=agency, roles=("specialist",))
    # Version 1 of assign_work differs from the shipped file by a comment; the sync then deploys the file as 2.
    definition = catalogue().processes["assign_work"]
    shipped = (Path(app.config["BPMN_DIR"]) / definition.bpmn_file).read_bytes()
    candidate, problems = check_process(definition, shipped + b"\n<!-- phien ban 1 -->\n",
                                        Path(app.config["FORMS_DIR"]), catalogue().operators)
    assert problems == []
    deploy(candidate)
    assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    stored = store_pdf(io.BytesIO(minimal_pdf()), "cv.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
    for n in range(documents):
        receive_document(agency_id=agency.id, metadata=parse_metadata(metadata_values(number=str(200 + n))),
                         main_file=stored, actor=people["clerk"])
    _db.session.commit()
    return agency.id, {role: user.username for role, user in people.items()}


def log_in(session: requests.Session, page_from: str, post_to: str, username: str,
            password: str = Factory.PASSWORD) -> requests.Response:
    """The login form read from one process and sent to another."""
    token = csrf_token_from(session.get(page_from + "/dang-nhap").text)
    return session.post(post_to + "/dang-nhap", data={"username": username, "password": password, "csrf_token": token},
                        allow_redirects=False)


def register_tasks(committed_db) -> list[str]:
    try:
        return list(committed_db.session.scalars(select(HumanTask.task_uuid).where(HumanTask.spec_id == "register")
                                                 .order_by(HumanTask.id)))
    finally:
        committed_db.session.rollback()
