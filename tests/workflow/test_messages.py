"""Messages from outside reach an instance waiting for them; others are refused."""
from uuid import UUID

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.workflow.errors import TaskConflict, WorkflowError
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask
from app.workflow.registry import ProcessDefinition
from app.workflow.runtime import complete_task, deliver_message, start_instance

from .custom_process import deployed_custom_process

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:message id="reply" name="phan_hoi"/>
  <bpmn:process id="await_reply" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Văn thư">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>read</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Chờ phản hồi">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:messageEventDefinition id="wait_def" messageRef="reply">
        <bpmn:extensionElements><spiffworkflow:messageVariable>phan_hoi</spiffworkflow:messageVariable></bpmn:extensionElements>
      </bpmn:messageEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:userTask id="read" name="Xem phản hồi">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="await_reply/read.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="read"/>
    <bpmn:sequenceFlow id="f3" sourceRef="read" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


@pytest.fixture
def reply_app(app, db, tmp_path):
    definition = ProcessDefinition("await_reply", "await_reply.bpmn", "Chờ phản hồi", ("clerk",))
    forms = {"await_reply/read.schema.json": '{"type": "object", "properties": {}}'}
    with deployed_custom_process(app, db, tmp_path, definition, BPMN, forms) as other:
        yield other


def test_message_moves_the_waiting_instance_on(reply_app, make, db):
    clerk = make.user(roles=("clerk",))
    instance = start_instance("await_reply", actor=clerk)
    assert db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all() == []
    with pytest.raises(TaskConflict):
        deliver_message(instance.id, "khong_ai_cho", {"x": 1})
    deliver_message(instance.id, "phan_hoi", {"status": "03", "description": "Đã tiếp nhận"})
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert task.spec_id == "read"
    workflow = load_workflow(instance, clerk)
    assert workflow.get_task_from_id(UUID(task.task_uuid)).data["phan_hoi"]["status"] == "03"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "message_delivered")).one()
    assert event.data["message"] == "phan_hoi" and event.actor_id is None
    complete_task(task.task_uuid, {}, actor=clerk)
    with pytest.raises(WorkflowError, match="không còn đang chạy"):
        deliver_message(instance.id, "phan_hoi", {})  # completed: nothing waits any more
