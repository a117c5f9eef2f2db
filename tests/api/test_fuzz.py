"""Schemathesis over the served OpenAPI document: no 5xx, no undocumented status, answers match their schemas.

Runs in `make test` on SQLite and PostgreSQL. Data come from the factories (a sending agency with an outgoing
draft waiting for the leader's signature, and an incoming document), every request carries a real token,
and the examples are derandomized so a run is repeatable; FUZZ_EXAMPLES raises the bound for a longer hunt.
"""
import io
import os
import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from app.documents.metadata import parse_metadata
from app.documents.models import Document
from app.documents.receiving import receive_document
from app.dossiers.models import Dossier, RetentionPeriod
from app.dossiers.retention_models import DestructionProposal
from app.filestore import store_pdf
from app.workflow.models import HumanTask

from ..documents.conftest import metadata_values
from ..documents.outgoing_setup import approve_reviews, make_sender, start_draft
from ..factories import Factory
from ..pdf_samples import minimal_pdf

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def people(app, db, make, deployed, client):
    """Per person: a token, and ids of what that person may see (so path parameters reach real data)."""
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    draft = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    stored = store_pdf(io.BytesIO(minimal_pdf(pages=2)), "van-ban.pdf", files_dir=app.config["FILES_DIR"],
                       max_bytes=20 << 20)
    with app.test_request_context():
        received = receive_document(agency_id=sender.agency.id, metadata=parse_metadata(metadata_values()),
                                    main_file=stored, origin="paper", actor=sender.clerk,
                                    refuse_broken_signatures=True).document
    period = RetentionPeriod(name="Thử fuzz", years=10, examples="")
    db.session.add(period)
    db.session.flush()
    dossier = Dossier(agency_id=sender.agency.id, year=2026, notation="TH.01", title="Hồ sơ thử", retention_id=period.id)
    db.session.add(dossier)
    db.session.flush()
    proposal = DestructionProposal(agency_id=sender.agency.id, dossier_id=dossier.id, retention_ended_on=date(2025, 12, 31))
    db.session.add(proposal)
    db.session.commit()
    found = []
    for user, document in ((sender.leader, draft), (sender.clerk, received)):
        answer = client.post("/api/v1/auth/login", json={"username": user.username, "password": Factory.PASSWORD})
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).first()
        found.append(({"Authorization": f"Bearer {answer.get_json()['token']}"}, {
            "document_id": document.id, "instance_id": document.instance_id, "task_id": task.task_uuid,
            "user_id": user.id, "department_id": sender.unit.id, "process_id": "outgoing_document",
            "dossier_id": dossier.id, "proposal_id": proposal.id}))
    return found


def _fuzz(operation, mode, headers, statuses: list, **known) -> str | None:
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, **known))
    def run(case):
        statuses.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid: an operation without parameters or body
        return None
    except (Exception, BaseExceptionGroup) as failure:  # every operation is tried; failures reported together
        return f"{operation.label} ({mode}): {failure}"
    return None


def test_the_api_survives_generated_requests(app, people):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, statuses = [], []
    operations = [result.ok() for result in schema.get_all_operations()]
    # Logging out revokes the token every other request uses: it goes last.
    for operation in sorted(operations, key=lambda operation: operation.path == "/api/v1/auth/logout"):
        for headers, ids in people:
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
                failures.append(_fuzz(operation, mode, headers, statuses))
            if names := re.findall(r"{(\w+)}", operation.path):
                # Once more with the ids of real objects, so the answers past the lookups are tried too.
                known = {name: ids[name] for name in names if name in ids}
                failures.append(_fuzz(operation, schemathesis.GenerationMode.POSITIVE, headers, statuses,
                                      path_parameters=known))
    failures = [f for f in failures if f]
    assert not failures, "\n\n".join(failures)
    # The run reached the data, not only the refusals: a fifth of the answers were successes.
    assert sum(200 <= status < 300 for status in statuses) > len(statuses) / 5, sorted(set(statuses))
