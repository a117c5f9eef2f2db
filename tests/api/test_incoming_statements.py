"""The incoming process driven through the API as bench/province.py drives it (open the case, open the
step's form, submit it): each request reads and writes a pinned number of statements, and opening a case
costs the same however long its history (the people named in it are read at once)."""
import io
import json
from datetime import timedelta

from sqlalchemy import select

from app.documents.numbering import ensure_default_books
from app.vietnam_time import vietnam_today
from app.workflow.instance_state import version_forms, version_specs
from app.workflow.models import HumanTask, ProcessInstance

from ..documents.conftest import bring_in, metadata_values, office  # noqa: F401  (fixtures)
from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf

# Every request: the token's user with their roles (one statement). Opening the case: the instance with its
# version and its document as the reader may see it (the secrecy rule), the open tasks, the history with
# the names in it (4). Opening a form: the task with its instance, its version and the entitlement's two
# answers (app.workflow.task_pages.find_my_task), and the picker's choices as columns (the agency's
# departments, its people) where the form has one.
# Submitting: the transaction's audit events are appended at its commit, PostgreSQL in one statement however
# many, SQLite in two plus one per event (app.audit.chain); a new inbox row with its candidates and
# participants as one statement, SQLite as three; the answer's instance is read from the session, not again
# after the commit, and the case's open tasks after the step are one statement. A
# status step is one INSERT (the trail is not read to append it), and an assignment reads the departments it
# names in one statement. The operators of one step read the case's document once (handle runs two), and
# registration writes the document in one UPDATE; it finds the agency's book and takes its number in one
# statement on PostgreSQL (the agency has its books, as after its first registration). PostgreSQL deletes the
# inbox and timer rows a save drops inside the instance's UPDATE (app.workflow.instance_state.saved).
STATEMENTS = {
    "register": (4, 3, {"sqlite": 19, "postgresql": 11}), "assign": (4, 4, {"sqlite": 23, "postgresql": 14}),
    "dispatch_lead": (4, 3, {"sqlite": 15, "postgresql": 9}),
    "dispatch_support": (4, 3, {"sqlite": 13, "postgresql": 8}),
    "contribute": (4, 2, {"sqlite": 14, "postgresql": 9}), "handle": (4, 2, {"sqlite": 17, "postgresql": 10}),
}


def _steps(office, due):  # noqa: F811
    (lead, lead_head, lead_specialist), (support, support_head, support_specialist) = office.units
    return [
        (office.clerk, "register", {"route": "leader"}),
        (office.leader, "assign", {"directing_opinion": "Chủ trì tham mưu.", "lead_department_id": lead.id,
                                   "support_department_ids": [support.id], "due_date": due}),
        (lead_head, "dispatch_lead", {"specialist": lead_specialist.username}),
        (support_head, "dispatch_support", {"specialist": support_specialist.username}),
        (support_specialist, "contribute", {"contribution": "Số liệu của đơn vị phối hợp."}),
        (lead_specialist, "handle", {"handling_action": "finish", "handling_note": "Đã tham mưu",
                                     "reply_reference": "45/SNV-TCCB"}),
    ]


def test_each_request_of_the_incoming_process_counts(office, bring_in, client, db, count_queries):  # noqa: F811
    instance_id = bring_in(office).document.instance_id
    ensure_default_books(office.agency.id)
    instance = db.session.get(ProcessInstance, instance_id)
    version_specs(instance.version), version_forms(instance.version)  # the per-process caches, as in a warm server
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    counts = {}

    steps = [(bearer_headers(client, person), spec_id, data) for person, spec_id, data in _steps(office, due)]

    def counted(headers, method, path, **kwargs):
        db.session.expunge_all()  # as a fresh request: nothing in the session
        with count_queries() as seen:
            answer = getattr(client, method)(path, headers=headers, **kwargs)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json(), seen.statements

    for headers, spec_id, data in steps:
        case, statements = counted(headers, "get", f"/api/v1/instances/{instance_id}")
        counts[f"GET instance before {spec_id}"] = statements
        task_id = db.session.scalars(select(HumanTask.task_uuid).where(HumanTask.instance_id == instance_id,
                                                                        HumanTask.spec_id == spec_id)).one()
        assert task_id in {t["id"] for t in case["active_tasks"]}
        form, statements = counted(headers, "get", f"/api/v1/tasks/{task_id}")
        counts[f"GET task {spec_id}"] = statements
        assert form["spec_id"] == spec_id
        _, statements = counted(headers, "post", f"/api/v1/tasks/{task_id}", json=data)
        counts[f"POST task {spec_id}"] = statements
    dialect = db.session.get_bind().dialect.name
    for spec_id, (case_statements, form_statements, submit_statements) in STATEMENTS.items():
        expected = (case_statements, form_statements, submit_statements[dialect])
        seen = tuple(len(counts[f"{kind} {spec_id}"]) for kind in ("GET instance before", "GET task", "POST task"))
        assert seen == expected, spec_id + "\n" + "\n".join(
            "\n".join(counts[f"{kind} {spec_id}"]) for kind in ("GET instance before", "GET task", "POST task"))


# The intake: the token's user, the duplicate check; the document, its file, its status 01 and its audit event;
# starting the process (its version, instance, first task with its candidates, notification and participants,
# its state, its audit event); the document's instance; the document_received event; the current holders
# (the answer is read from the session, not read back); the new case's open tasks. The audit events are appended
# together at the commit (app.audit.chain), and PostgreSQL sends the first task with its candidates and
# participants as one.
INTAKE = {"sqlite": 21, "postgresql": 14}


def test_the_intake_of_an_incoming_document_counts(office, client, db, count_queries):  # noqa: F811
    headers = bearer_headers(client, office.clerk)

    def posted(**metadata):
        db.session.expunge_all()  # as a fresh request: nothing in the session
        with count_queries() as seen:
            answer = client.post("/api/v1/documents/incoming", headers=headers, content_type="multipart/form-data",
                                 data={"metadata": json.dumps(metadata_values(**metadata)),
                                       "file": (io.BytesIO(minimal_pdf()), "van-ban.pdf")})
        # The rollback after a refusal is the test's savepoint here, a connection's rollback in a server.
        return answer, [s for s in seen.statements if not s.startswith("ROLLBACK TO SAVEPOINT")]

    assert posted(number="1")[0].status_code == 201  # the version's spec read and cached, as in a warm server
    answer, statements = posted()
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert answer.get_json()["current_holders"] == [office.clerk.full_name]
    assert len(statements) == INTAKE[db.session.get_bind().dialect.name], "\n".join(statements)
    answer, statements = posted()  # the same document again: the warning costs the user and the check
    assert answer.status_code == 409 and len(statements) == 2, "\n".join(statements)
    answer, statements = posted(confirm_duplicate=True)
    assert answer.status_code == 201 and len(statements) == INTAKE[db.session.get_bind().dialect.name]


def test_an_integration_follows_the_answers_open_tasks(office, client, db):  # noqa: F811
    """Seven requests carry a document through: each answer names the case's open tasks with their step
    ids, the same the case shows, so a client that sends every step's answer never opens the case."""
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    received = client.post("/api/v1/documents/incoming", headers=bearer_headers(client, office.clerk),
                           content_type="multipart/form-data",
                           data={"metadata": json.dumps(metadata_values()),
                                 "file": (io.BytesIO(minimal_pdf()), "van-ban.pdf")})
    assert received.status_code == 201, received.get_data(as_text=True)
    open_tasks = received.get_json()["active_tasks"]
    assert [t["spec_id"] for t in open_tasks] == ["register"]
    instance_id = received.get_json()["instance_id"]
    for person, spec_id, data in _steps(office, due):
        headers = bearer_headers(client, person)
        task = next(t for t in open_tasks if t["spec_id"] == spec_id)
        done = client.post(f"/api/v1/tasks/{task['id']}", headers=headers, json=data)
        assert done.status_code == 200, done.get_data(as_text=True)
        open_tasks = done.get_json()["instance"]["active_tasks"]
        assert "history" not in done.get_json()["instance"]
        case = client.get(f"/api/v1/instances/{instance_id}", headers=headers).get_json()
        assert open_tasks == case["active_tasks"]
    assert open_tasks == [] and case["status"] == "completed"
