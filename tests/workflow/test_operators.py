"""Service-task operators: called with a typed context; a failure shows its real error and rolls back."""
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.audit.models import AuditEvent
from app.workflow.errors import ProcessFailed
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import ProcessDefinition
from app.workflow.runtime import complete_task, start_instance

from ..factories import Factory
from .custom_process import deployed_custom_process

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="numbering" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Văn thư">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>enter</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>give_number</bpmn:flowNodeRef><bpmn:flowNodeRef>check</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="enter" name="Nhập">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="numbering/enter.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:serviceTask id="give_number" name="Cấp số">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="test.give_number" resultVariable="number">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="book" type="str" value="book"/>
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:userTask id="check" name="Kiểm tra">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="numbering/enter.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="enter"/>
    <bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="give_number"/>
    <bpmn:sequenceFlow id="f3" sourceRef="give_number" targetRef="check"/>
    <bpmn:sequenceFlow id="f4" sourceRef="check" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

SCHEMA = '{"type": "object", "properties": {"book": {"type": "string", "title": "Sổ"}}}'
CALLS = []


def give_number(context):
    CALLS.append((context.params, context.actor.username, context.instance.id))
    if context.params["book"] == "khoa":
        raise ValueError("Sổ văn bản đi năm 2026 đã khóa")
    if context.params["book"] == "mat-ket-noi":  # the database restarting under the operator
        raise OperationalError("UPDATE number_sequence …", {}, ConnectionError("server closed the connection"))
    return {"so": 15, "ky_hieu": "QĐ-UBND"}


@pytest.fixture
def numbering_app(app, db, tmp_path):
    definition = ProcessDefinition("numbering", "numbering.bpmn", "Cấp số", ("clerk",),
                                   operators={"test.give_number": give_number})
    with deployed_custom_process(app, db, tmp_path, definition, BPMN,
                                 {"numbering/enter.schema.json": SCHEMA}) as other:
        yield other


def test_operator_gets_a_typed_context_and_its_result(numbering_app, make, db):
    clerk = make.user(roles=("clerk",))
    instance = start_instance("numbering", actor=clerk)
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    complete_task(task.task_uuid, {"book": "van_ban_di"}, actor=clerk)
    assert CALLS[-1] == ({"book": "van_ban_di"}, clerk.username, instance.id)
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["check"]


def test_operator_failure_shows_the_real_error_and_changes_nothing(numbering_app, make, db):
    clerk = make.user(roles=("clerk",))
    instance = start_instance("numbering", actor=clerk)
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    state_before = instance.state_json
    savepoint = db.session.begin_nested()
    with pytest.raises(ProcessFailed) as failed:
        complete_task(task.task_uuid, {"book": "khoa"}, actor=clerk)
    savepoint.rollback()  # what the request boundary does
    assert "Sổ văn bản đi năm 2026 đã khóa" in failed.value.message
    assert "NameError" not in failed.value.message
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).state_json == state_before
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["enter"]


def test_a_database_failure_under_an_operator_is_not_a_process_error(numbering_app, make, db):
    clerk = make.user(roles=("clerk",))
    instance = start_instance("numbering", actor=clerk)
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    savepoint = db.session.begin_nested()
    # Raised as itself: the request's boundary rolls back and shows its plain page (no SQL, no driver words), and
    # the timer job defers the case instead of marking it failed.
    with pytest.raises(OperationalError):
        complete_task(task.task_uuid, {"book": "mat-ket-noi"}, actor=clerk)
    savepoint.rollback()
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["enter"]


def test_failed_completion_through_the_api_is_audited_and_nothing_else_changes(numbering_app, make, db):
    clerk = make.user(roles=("clerk",))
    instance = start_instance("numbering", actor=clerk)
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    client = numbering_app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": clerk.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    response = client.post(f"/api/v1/tasks/{task.task_uuid}", json={"book": "khoa"},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    assert "Sổ văn bản đi năm 2026 đã khóa" in response.get_json()["error"]["message"]
    failure = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_failed")).one()
    assert failure.actor_id == clerk.id and "đã khóa" in failure.data["error"]
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["enter"]
