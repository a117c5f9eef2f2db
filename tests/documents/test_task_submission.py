"""One front door for task answers: undeclared keys never reach task data, operators or the audit chain,
and a case's document is the one its instance names (issue 13, defect 1)."""
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.documents.models import ACCEPTED, RECEIVED, Document
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task

from ..factories import bearer_headers
from .conftest import Office


def _other_office(make) -> Office:
    agency = make.agency(name="Sở Tài chính thử", short_name="STC")
    department = make.department(agency=agency, name="Phòng Ngân sách")
    return Office(agency, make.user(agency=agency, roles=("clerk",)), make.user(agency=agency, roles=("leader",)),
                  [(department, make.user(agency=agency, roles=("unit_head",), department_id=department.id),
                    make.user(agency=agency, roles=("specialist",), department_id=department.id))])


def _task(db, document, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def test_a_json_answer_naming_another_agencys_document_changes_only_the_clerks_own(client, db, make, office,
                                                                                    bring_in):
    mine = bring_in(office).document  # paper: the clerk registers it (Vào sổ) at once
    theirs = bring_in(_other_office(make)).document
    task = _task(db, mine, "register")

    done = client.post(f"/api/v1/tasks/{task.task_uuid}", headers=bearer_headers(client, office.clerk),
                       json={"route": "leader", "document_id": theirs.id, "subject_id": str(theirs.id)})

    assert done.status_code == 200, done.get_json()
    assert sorted(done.get_json()["ignored_fields"]) == ["document_id", "subject_id"]
    db.session.expire_all()
    assert db.session.get(Document, mine.id).status_code == ACCEPTED
    assert db.session.get(Document, mine.id).arrival_number is not None
    untouched = db.session.get(Document, theirs.id)
    assert untouched.status_code == RECEIVED and untouched.arrival_number is None
    completed = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_completed")
                                   .order_by(AuditEvent.seq.desc())).first()
    assert completed.data["data"] == {"route": "leader", "lead_department_id": None, "due_date": None}
    assert completed.data["channel"] == "api"


def test_an_operator_finds_the_document_its_instance_names_whatever_the_task_data_says(db, make, office,
                                                                                         bring_in):
    mine = bring_in(office).document
    theirs = bring_in(_other_office(make)).document
    assert db.session.get(ProcessInstance, mine.instance_id).subject_id == str(mine.id)

    # Even a caller that vouches for its data (seeding, a designer's script) cannot re-point the case.
    complete_task(_task(db, mine, "register").task_uuid, {"route": "leader", "document_id": theirs.id},
                  actor=office.clerk)

    db.session.expire_all()
    assert db.session.get(Document, mine.id).status_code == ACCEPTED
    assert db.session.get(Document, theirs.id).status_code == RECEIVED


def test_a_file_field_cannot_be_named_in_json(client, db, make, office, deployed):
    specialist = office.units[0][2]
    started = client.post("/api/v1/processes/outgoing_document/instances", headers=bearer_headers(client, specialist))
    assert started.status_code == 201
    task_id = started.get_json()["active_tasks"][0]["id"]

    forged = client.post(f"/api/v1/tasks/{task_id}", headers=bearer_headers(client, specialist),
                         json={"attachment": {"sha256": "0" * 64, "name": "x.pdf", "size": 1}})

    assert forged.status_code == 422
    assert "attachment" in forged.get_json()["error"]["fields"]


def test_answers_that_are_not_objects_are_refused_without_a_trace(client, db, office, bring_in):
    task = _task(db, bring_in(office).document, "register")
    for body in ([1, 2], 7, "route"):
        response = client.post(f"/api/v1/tasks/{task.task_uuid}", headers=bearer_headers(client, office.clerk), json=body)
        assert response.status_code == 400
    assert db.session.get(HumanTask, task.id) is not None


def test_another_agencys_task_is_not_found_and_a_colleagues_is_forbidden(client, db, make, office, bring_in):
    task = _task(db, bring_in(office).document, "register")
    stranger = _other_office(make).clerk
    colleague = make.user(agency=office.agency, roles=("specialist",))
    assert client.post(f"/api/v1/tasks/{task.task_uuid}", headers=bearer_headers(client, stranger),
                       json={"route": "leader"}).status_code == 404
    assert client.post(f"/api/v1/tasks/{task.task_uuid}", headers=bearer_headers(client, colleague),
                       json={"route": "leader"}).status_code == 403
