"""The signing step node: parsed from our extension, guarded, and kept through serialisation."""
import json

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.workflow.engine import (
    SERIALIZER_VERSION,
    BpmnDefinitionError,
    new_workflow,
    parse_process,
    spec_to_json,
    specs_from_json,
    state_to_json,
    workflow_from_state,
)
from app.workflow.errors import ProcessFailed
from app.workflow.models import HumanTask
from app.workflow.registry import ProcessDefinition
from app.workflow.runtime import complete_task, start_instance
from app.workflow.scripting import make_script_engine
from app.workflow.signing_node import SigningTask
from app.workflow.task_pages import task_view
from app.workflow.workdays import WorkCalendar

from .custom_process import deployed_custom_process

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:lienthong="https://lienthong.gov.vn/bpmn/1.0" id="d" targetNamespace="t">
  <bpmn:process id="sign_it" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane_leader" name="Lãnh đạo">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>sign</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="sign" name="Ký số">
      <bpmn:extensionElements><lienthong:signing kind="KIND" document="main"/></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def _engine():
    return make_script_engine(WorkCalendar())


def _parsed(kind="signer"):
    return parse_process(BPMN.replace("KIND", kind).encode(), "sign_it", "sign_it.bpmn")


def test_signing_task_is_parsed_with_kind_and_document():
    spec = _parsed().spec.task_specs["sign"]
    assert isinstance(spec, SigningTask) and (spec.kind, spec.document) == ("signer", "main")


def test_unknown_signing_kind_is_refused_with_the_element():
    with pytest.raises(BpmnDefinitionError) as refused:
        _parsed(kind="stamp")
    assert "stamp" in refused.value.message


def _ready_sign_task(workflow):
    workflow.do_engine_steps()
    return workflow.get_next_task(state=TaskState.READY, manual=True)


def test_signing_task_needs_a_verified_signature_result():
    parsed = _parsed()
    workflow = new_workflow(parsed.spec, parsed.subprocess_specs, _engine(), {})
    task = _ready_sign_task(workflow)
    with pytest.raises(WorkflowTaskException, match="Chưa có chữ ký số hợp lệ"):
        task.run()
    task._set_state(TaskState.READY)
    task.data["signature_result"] = {"verified": True, "kind": "organization", "document": "main"}
    with pytest.raises(WorkflowTaskException):
        task.run()
    task._set_state(TaskState.READY)
    task.data["signature_result"] = {"verified": True, "kind": "signer", "document": "main"}
    task.run()
    workflow.do_engine_steps()
    assert workflow.is_completed()


def test_signing_task_survives_spec_and_state_serialisation():
    parsed = _parsed()
    spec, subprocess_specs = specs_from_json(spec_to_json(parsed))
    restored = spec.task_specs["sign"]
    assert isinstance(restored, SigningTask) and restored.kind == "signer"
    workflow = new_workflow(spec, subprocess_specs, _engine(), {"so_van_ban": 15})
    _ready_sign_task(workflow)
    state = state_to_json(workflow)
    assert not {"spec", "subprocess_specs"} & set(json.loads(state))  # stored once per version
    again = workflow_from_state(state, SERIALIZER_VERSION, spec, subprocess_specs, spec_to_json(parsed), _engine())
    task = again.get_next_task(state=TaskState.READY, manual=True)
    assert isinstance(task.task_spec, SigningTask) and task.data["so_van_ban"] == 15


SIGN_FORM = '{"type": "object", "properties": {"ghi_chu": {"type": "string", "title": "Ghi chú"}}}'


def test_signing_step_page_explains_the_step_and_refuses_without_a_signature(app, db, tmp_path, make):
    bpmn = BPMN.replace("KIND", "signer").replace(
        '<bpmn:extensionElements><lienthong:signing',
        '<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
        'name="formJsonSchemaFilename" value="sign_it/sign.schema.json"/></spiffworkflow:properties>'
        '<lienthong:signing').replace(
        'xmlns:lienthong=', 'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" xmlns:lienthong=')
    definition = ProcessDefinition("sign_it", "sign_it.bpmn", "Ký số", ("leader",))
    with deployed_custom_process(app, db, tmp_path, definition, bpmn, {"sign_it/sign.schema.json": SIGN_FORM}):
        leader = make.user(roles=("leader",))
        instance = start_instance("sign_it", actor=leader)
        row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        assert task_view(row, leader).signing == {"kind": "signer", "document": "main"}
        with pytest.raises(ProcessFailed, match="Chưa có chữ ký số hợp lệ"):
            complete_task(row.task_uuid, {"ghi_chu": "ký luôn"}, actor=leader)
