"""A small process for incidents: a clerk fills in a form, then a service step calls a flaky operator.

The operator's behaviour is set per test through SERVICE: "ok", "missing" (a bug-like KeyError unless
the data has `ma_so`), "down" (the far side unreachable for the next `down_for` calls), "quoting" (a refusal
that quotes the data), "database" (writes an agency with the
data's `agency_code`, which the database refuses when the code is taken).
"""
from contextlib import contextmanager

from app.directory.models import Agency
from app.extensions import db
from app.workflow.failures import TransientServiceError
from app.workflow.registry import ProcessDefinition

from .custom_process import deployed_custom_process

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="flaky" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Văn thư">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>enter</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>send</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="enter" name="Nhập">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="flaky/enter.schema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:serviceTask id="send" name="Gửi trục">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="test.send" resultVariable="sent"><spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>
        <spiffworkflow:properties>
          <spiffworkflow:property name="retries" value="TRIES"/>
          <spiffworkflow:property name="retryBackoff" value="30"/>
          <spiffworkflow:property name="retryMultiplier" value="2"/>
          <spiffworkflow:property name="skippable" value="SKIPPABLE"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="enter"/>
    <bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="send"/>
    <bpmn:sequenceFlow id="f3" sourceRef="send" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""

SCHEMA = '{"type": "object", "properties": {"ghi_chu": {"type": "string", "title": "Ghi chú"}}}'
SERVICE = {"mode": "ok", "down_for": 0, "calls": 0}


def send(context):
    SERVICE["calls"] += 1
    if SERVICE["mode"] == "missing":
        return {"ma_so": context.task_data["ma_so"]}  # KeyError without it: our operator's bug
    if SERVICE["mode"] == "down" and SERVICE["down_for"] > 0:
        SERVICE["down_for"] -= 1
        raise TransientServiceError("axis unreachable")
    if SERVICE["mode"] == "broken":
        raise RuntimeError("HTTP 500 from axis")
    if SERVICE["mode"] == "quoting":
        # An operator whose refusal quotes the case's data (as date.fromisoformat's ValueError does).
        raise ValueError(f"Mã không hợp lệ: {context.task_data.get('ghi_chu')}")
    code = context.task_data.get("agency_code", SERVICE.get("agency_code"))
    if SERVICE["mode"] == "database" and code is not None:
        # An operator writing a value from the data that the database refuses (a duplicate, a number too big).
        db.session.add(Agency(code=str(code)[:13], name="Trùng mã", short_name="TM"))
        db.session.flush()
    return {"ok": True}


@contextmanager
def flaky_app(app, db, folder, *, tries: int = 1, skippable: bool = False):
    SERVICE.update(mode="ok", down_for=0, calls=0, agency_code=None)
    definition = ProcessDefinition("flaky", "flaky.bpmn", "Gửi thử", ("clerk",), operators={"test.send": send})
    bpmn = BPMN.replace("TRIES", str(tries)).replace("SKIPPABLE", "true" if skippable else "false")
    with deployed_custom_process(app, db, folder, definition, bpmn, {"flaky/enter.schema.json": SCHEMA}) as other:
        yield other
