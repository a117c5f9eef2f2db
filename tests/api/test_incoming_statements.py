"""The incoming process driven through the API as bench/province.py drives it (open the case, open the
step's form, submit it): each request reads and writes a pinned number of statements, and opening a case
costs the same however long its history (the people named in it are read at once)."""
from datetime import timedelta

from sqlalchemy import select

from app.vietnam_time import vietnam_today
from app.workflow.instance_state import version_forms, version_specs
from app.workflow.models import HumanTask, ProcessInstance

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)
from ..factories import bearer_headers

# Every request: the token's user with their roles (one statement). Opening the case: the instance, its
# events, its document (the secrecy rule), the version's number, the open tasks, the names in the history
# (7; 6 before any step is taken). Opening a form: delegations, the task, its instance and version, and
# the picker's choices as columns (the agency's departments, its people) where the form has one.
# Submitting: PostgreSQL sends an audit event as one statement, SQLite as three, and a new inbox row with
# its candidates and participants as one statement, SQLite as three; the answer's instance is read from
# the session, not again after the commit.
STATEMENTS = {
    "register": (6, 6, {"sqlite": 26, "postgresql": 18}), "assign": (7, 7, {"sqlite": 28, "postgresql": 18}),
    "dispatch_lead": (7, 6, {"sqlite": 14, "postgresql": 10}),
    "dispatch_support": (7, 6, {"sqlite": 12, "postgresql": 8}),
    "contribute": (7, 5, {"sqlite": 18, "postgresql": 12}), "handle": (7, 5, {"sqlite": 24, "postgresql": 16}),
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
