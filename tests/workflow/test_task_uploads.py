"""A task form with a PDF field: non-PDFs are refused beside the field, PDFs are stored by hash."""
import hashlib
import io

import pytest
from sqlalchemy import select

from app.filestore import path_for
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask
from app.workflow.registry import ProcessDefinition
from app.workflow.runtime import start_instance

from ..conftest import csrf_token_from
from ..factories import Factory
from .custom_process import deployed_custom_process

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="scan_in" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="Văn thư">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>upload</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>check</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="upload" name="Quét văn bản giấy">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="scan_in/upload.schema.json"/>
        <spiffworkflow:property name="formUiSchemaFilename" value="scan_in/upload.uischema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="check" name="Kiểm tra">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="scan_in/upload.schema.json"/>
        <spiffworkflow:property name="formUiSchemaFilename" value="scan_in/upload.uischema.json"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="upload"/>
    <bpmn:sequenceFlow id="f2" sourceRef="upload" targetRef="check"/>
    <bpmn:sequenceFlow id="f3" sourceRef="check" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>"""
SCHEMA = ('{"type": "object", "required": ["scan"], "properties": {'
          '"scan": {"type": "object", "title": "Bản quét (PDF)"}, "note": {"type": "string", "title": "Ghi chú"}}}')
UI = '{"scan": {"ui:widget": "file"}}'
PDF = "%PDF-1.4\n% bản quét\n%%EOF\n".encode()


@pytest.fixture
def scan_app(app, db, tmp_path):
    definition = ProcessDefinition("scan_in", "scan_in.bpmn", "Văn bản giấy", ("clerk",))
    forms = {"scan_in/upload.schema.json": SCHEMA, "scan_in/upload.uischema.json": UI}
    with deployed_custom_process(app, db, tmp_path, definition, BPMN, forms,
                                 FILES_DIR=str(tmp_path / "files"), MAX_TASK_FILE_MB=1) as other:
        yield other


def test_upload_field_refuses_non_pdf_and_stores_pdf(scan_app, make, db):
    clerk = make.user(roles=("clerk",))
    with scan_app.test_request_context():
        instance = start_instance("scan_in", actor=clerk)
    db.session.flush()
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    client = scan_app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    client.post("/dang-nhap", data={"username": clerk.username, "password": Factory.PASSWORD,
                                    "csrf_token": csrf_token_from(page)})
    form_page = client.get(f"/cong-viec/{task.task_uuid}").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form_page and 'accept="application/pdf"' in form_page
    token = csrf_token_from(form_page)

    missing = client.post(f"/cong-viec/{task.task_uuid}", data={"csrf_token": token, "note": "x"},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and "Trường này bắt buộc." in missing.get_data(as_text=True)
    wrong = client.post(f"/cong-viec/{task.task_uuid}", content_type="multipart/form-data",
                        data={"csrf_token": token, "scan": (io.BytesIO(b"GIF89a"), "anh.gif")})
    assert wrong.status_code == 422 and "Chỉ nhận tệp PDF." in wrong.get_data(as_text=True)

    done = client.post(f"/cong-viec/{task.task_uuid}", content_type="multipart/form-data",
                       data={"csrf_token": token, "note": "Bản gốc lưu tại VT",
                             "scan": (io.BytesIO(PDF), "cong-van-15.pdf")})
    assert done.status_code == 302
    digest = hashlib.sha256(PDF).hexdigest()
    assert path_for(scan_app.config["FILES_DIR"], digest).read_bytes() == PDF
    with scan_app.test_request_context():
        workflow = load_workflow(instance, clerk)
    assert workflow.last_task.data["scan"] == {"sha256": digest, "size": len(PDF), "name": "cong-van-15.pdf",
                                               "content_type": "application/pdf"}
