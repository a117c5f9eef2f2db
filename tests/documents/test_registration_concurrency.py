"""Twenty clerks' registrations at once, through the whole completion: số đến 1…20, no gap, no duplicate."""
import io

from sqlalchemy import select

from app.directory.models import User
from app.documents.metadata import parse_metadata
from app.documents.models import Document
from app.documents.receiving import receive_document
from app.extensions import db as _db
from app.filestore import store_pdf
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..factories import Factory
from ..parallel import run_in_parallel
from ..pdf_samples import minimal_pdf
from .conftest import metadata_values

WORKERS = 20


def test_parallel_registrations_number_consecutively(app, committed_db):
    with app.test_request_context():  # its own session: everything set up here is committed
        make = Factory(_db)
        agency = make.agency()
        clerks = [make.user(agency=agency, roles=("clerk",)) for _ in range(WORKERS)]
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        stored = store_pdf(io.BytesIO(minimal_pdf()), "cv.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
        for n, clerk in enumerate(clerks):
            receive_document(agency_id=agency.id, metadata=parse_metadata(metadata_values(number=str(100 + n))),
                             main_file=stored, actor=clerk)
        _db.session.commit()
        agency_id, clerk_ids = agency.id, [clerk.id for clerk in clerks]
        tasks = dict(_db.session.execute(
            select(HumanTask.assigned_user_id, HumanTask.task_uuid).where(HumanTask.spec_id == "register")).all())
        _db.session.remove()

    def register(worker: int):
        clerk = _db.session.get(User, clerk_ids[worker])
        complete_task(tasks[clerk.id], {"route": "leader"}, actor=clerk)  # each clerk registers their own
        _db.session.commit()

    assert run_in_parallel(app, WORKERS, register) == []
    documents = committed_db.session.scalars(select(Document).where(Document.agency_id == agency_id)).all()
    assert sorted(d.arrival_number for d in documents) == list(range(1, WORKERS + 1))
    assert {d.status_code for d in documents} == {"03"}
