"""What saving and signing an outgoing draft cost, pinned: SQL statements per API completion, on each
database. save_draft reads everything it needs (the agency, signer, recipients' agencies, department)
before the first save's INSERTs, so the document, draft and recipient rows are each written once, filled,
and the new draft's recipients are never loaded; a change that adds a statement must say why here."""
import pytest

from app.workflow.runtime import start_instance

from ..factories import Factory
from .outgoing_setup import PIN, approve_reviews, draft_data, make_sender, start_draft, task_of

# The token with its user and roles, the task lock (the process's forms are read before counting: a process
# reads them once, so the count would depend on which test ran first), the form's signer and recipient pickers, the title's UPDATE (flushed by the next read), the agency, the signer
# with roles, the recipients' agencies, the department, the document, draft and recipient INSERTs, the case's
# subject, then the workflow's writes (next task, state, open tasks, audit events), by database as in
# test_request_statements.
DRAFT_COMPLETION = {"sqlite": 24, "postgresql": 18}


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def test_saving_a_new_draft_writes_each_row_once(app, client, db, sender, count_queries):
    with app.test_request_context():
        instance = start_instance("outgoing_document", actor=sender.specialist)
    task_uuid = task_of(db, instance.id, "draft").task_uuid
    token = client.post("/api/v1/auth/login", json={"username": sender.specialist.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    answer = draft_data(sender)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/tasks/{task_uuid}", headers=headers).status_code == 200  # the forms, read once
    db.session.expunge_all()
    with count_queries() as counted:
        done = client.post(f"/api/v1/tasks/{task_uuid}", headers=headers, json=answer)
    assert done.status_code == 200, done.get_json()
    assert len(counted.statements) == DRAFT_COMPLETION[db.session.get_bind().dialect.name], counted.statements


# The signer's step reads the case's document once: the draft keeps the document it was found by
# (case_draft), so the letter's render does not read the row again.
SIGN_COMPLETION = {"sqlite": 23, "postgresql": 18}


def test_signing_reads_the_case_document_once(app, client, db, sender, count_queries):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    task_uuid = task_of(db, instance_id, "sign").task_uuid
    token = client.post("/api/v1/auth/login", json={"username": sender.leader.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    db.session.expunge_all()
    with count_queries() as counted:
        signed = client.post(f"/api/v1/tasks/{task_uuid}", headers={"Authorization": f"Bearer {token}"},
                             json={"decision": "sign", "pin": PIN})
    assert signed.status_code == 200, signed.get_json()
    documents = [s for s in counted.statements if s.lstrip().startswith("SELECT document.id")]
    assert len(documents) == 1, documents
    assert len(counted.statements) == SIGN_COMPLETION[db.session.get_bind().dialect.name], counted.statements
