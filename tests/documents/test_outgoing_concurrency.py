"""Ten clerks issue ten signed drafts at once: numbers 01…10, no gap, no duplicate, every PDF still valid."""
from pathlib import Path

from sqlalchemy import select

from app.directory.models import User
from app.documents.models import Document
from app.extensions import db as _db
from app.filestore import path_for
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue
from app.workflow.signing_tasks import sign_and_complete

from ..factories import Factory
from ..parallel import run_in_parallel
from .outgoing_setup import approve_reviews, make_sender, sign, start_draft, task_of

WORKERS = 10


def test_parallel_issuing_numbers_consecutively_and_keeps_signatures_valid(app, committed_db):
    with app.test_request_context():  # its own session: everything set up here is committed
        make = Factory(_db)
        sender = make_sender(app, make)
        clerks = [make.user(agency=sender.agency, roles=("clerk",)) for _ in range(WORKERS)]
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        instance_ids = []
        for n in range(WORKERS):
            instance_id = start_draft(app, _db, sender, subject=f"Văn bản phát hành đồng thời số {n}")
            approve_reviews(app, _db, sender, instance_id)
            sign(app, _db, sender, instance_id)
            instance_ids.append(instance_id)
        tasks = [task_of(_db, instance_id, "issue").task_uuid for instance_id in instance_ids]
        clerk_ids = [clerk.id for clerk in clerks]
        agency_id = sender.agency.id
        _db.session.commit()
        _db.session.remove()

    def issue(worker: int):
        sign_and_complete(tasks[worker], {}, actor=_db.session.get(User, clerk_ids[worker]), pin="")
        _db.session.commit()

    assert run_in_parallel(app, WORKERS, issue) == []
    documents = committed_db.session.scalars(select(Document).where(Document.agency_id == agency_id,
                                                                    Document.direction == "outgoing")).all()
    assert sorted(d.arrival_number for d in documents) == list(range(1, WORKERS + 1))
    assert sorted(d.number for d in documents) == [f"{n:02d}" for n in range(1, WORKERS + 1)]
    files_dir = Path(app.config["FILES_DIR"])
    for document in documents:
        pdf = path_for(files_dir, document.main_file.sha256).read_bytes()
        verdicts = validate_pdf_signatures(pdf, trust_roots=trust_roots_from_config(app.config),
                                           crls=crls_from_config(app.config))
        assert [v.verdict for v in verdicts] == ["valid", "valid"], document.number
