"""The designers' pages: who may use them, uploads and forms refused with the reason, the JSON save with CSRF."""
import io
import json
import re

from sqlalchemy import select

from app.designer.models import ProcessDraft

from ..conftest import csrf_token_from


def test_only_designers_and_admins_reach_the_designer_pages(app, db, deployed, make, login, client):
    login(make.user(roles=("leader",)))
    assert client.get("/thiet-ke").status_code == 403
    assert client.get("/thiet-ke/assign_work").status_code == 403
    token = csrf_token_from(client.get("/").get_data(as_text=True))  # a valid token: the role is what refuses
    assert client.post("/thiet-ke/assign_work/ban-nhap", json={"xml": "<x/>"},
                       headers={"X-CSRFToken": token}).status_code == 403


def test_the_list_shows_each_process_its_version_and_running_cases(app, db, deployed, designer, login, client):
    db.session.commit()
    login(designer)
    page = client.get("/thiet-ke").get_data(as_text=True)
    assert "Giao việc" in page and "Xử lý văn bản đến" in page and "tệp mặc định" in page
    assert client.get("/thiet-ke/khong-co").status_code == 404


def test_the_editor_saves_through_json_with_its_csrf_token_and_gets_the_check_back(app, db, deployed, designer,
                                                                                    login, client):
    db.session.commit()
    login(designer)
    page = client.get("/thiet-ke/assign_work").get_data(as_text=True)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    xml = client.get("/thiet-ke/assign_work/ban-nhap.bpmn").get_data(as_text=True)
    assert "BPMNShape" in xml  # laid out for the modeler
    refused = client.post("/thiet-ke/assign_work/ban-nhap", json={"xml": xml, "lockVersion": 0})
    assert refused.status_code == 400  # no CSRF token: nothing saved
    saved = client.post("/thiet-ke/assign_work/ban-nhap", json={"xml": xml.replace('name="Giao việc"', 'name="Giao"'),
                                                               "lockVersion": 0}, headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.json["problems"] == [] and saved.json["lockVersion"] > 0
    stale = client.post("/thiet-ke/assign_work/ban-nhap", json={"xml": xml, "lockVersion": 0},
                        headers={"X-CSRFToken": token})
    assert stale.status_code == 409 and "tải lại" in stale.json["error"]
    broken = client.post("/thiet-ke/assign_work/ban-nhap", json={"xml": "<definitions", "lockVersion": None},
                         headers={"X-CSRFToken": token})
    assert broken.status_code == 400 and "không phải XML hợp lệ" in broken.json["error"]


def test_a_malformed_upload_is_refused_with_the_reason_and_keeps_nothing(app, db, deployed, designer, login, client):
    db.session.commit()
    login(designer)
    token = csrf_token_from(client.get("/thiet-ke/assign_work").get_data(as_text=True))
    response = client.post("/thiet-ke/assign_work/tai-len", data={
        "csrf_token": token, "bpmn": (io.BytesIO(b"<bpmn:definitions><oops"), "quy-trinh.bpmn")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "không phải XML hợp lệ" in response.get_data(as_text=True)
    assert db.session.scalars(select(ProcessDraft)).all() == []


def test_the_form_editor_refuses_an_invalid_schema_and_previews_and_saves_a_valid_one(app, db, deployed, designer,
                                                                                      login, client):
    db.session.commit()
    login(designer)
    url = "/thiet-ke/assign_work/bieu-mau?ten=assign_work/report.schema.json"
    page = client.get(url).get_data(as_text=True)
    assert "report_kind" in page and "form-preview" in page  # the current form, rendered as staff see it
    token = csrf_token_from(page)
    bad = client.post(url, data={"csrf_token": token, "ten": "assign_work/report.schema.json", "action": "save",
                                 "schema": json.dumps({"type": "object", "properties": {"x": {"type": "strin"}}}),
                                 "ui": "{}", "lock_version": 0}).get_data(as_text=True)
    assert "không phải JSON Schema hợp lệ" in bad and db.session.scalars(select(ProcessDraft)).all() == []
    schema = {"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "title": "Ghi chú mới"}}}
    preview = client.post("/thiet-ke/assign_work/bieu-mau/xem-truoc", data={
        "csrf_token": token, "ten": "assign_work/report.schema.json", "schema": json.dumps(schema), "ui": "{}"})
    assert "Ghi chú mới" in preview.get_data(as_text=True)
    saved = client.post(url, data={"csrf_token": token, "ten": "assign_work/report.schema.json", "action": "save",
                                   "schema": json.dumps(schema), "ui": "{}", "lock_version": 0})
    assert saved.status_code == 302
    draft = db.session.scalars(select(ProcessDraft)).one()
    assert json.loads(draft.forms["assign_work/report.schema.json"]) == schema


def test_a_diagram_from_another_modeler_is_uploaded_with_its_own_layout(app, db, deployed, designer, login, client):
    db.session.commit()
    login(designer)
    drawn = client.get("/thiet-ke/assign_work/ban-nhap.bpmn?tai=1")
    assert drawn.headers["Content-Disposition"] == "attachment; filename=assign_work.bpmn"
    camunda = drawn.data.replace(b'x="', b'x="1', 1)  # a file whose shapes someone moved
    token = csrf_token_from(client.get("/thiet-ke/assign_work").get_data(as_text=True))
    page = client.post("/thiet-ke/assign_work/tai-len", data={
        "csrf_token": token, "bpmn": (io.BytesIO(camunda), "assign_work.bpmn")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "bản nháp hợp lệ" in page
    assert db.session.scalars(select(ProcessDraft)).one().bpmn_xml == camunda.decode()  # its coordinates kept


def test_the_editor_lists_the_statuses_a_process_sends_to_an_external_sender(app, db, deployed, designer, login,
                                                                               client):
    db.session.commit()
    login(designer)
    page = client.get("/thiet-ke/incoming_document").get_data(as_text=True)
    listed = page[page.index('id="milestones"'):].split("</ul>")[0]
    assert "Trạng thái gửi cho nơi gửi" in page
    assert re.findall(r">(\d\d)</span>", listed) == ["01", "02", "03", "04", "05", "06"]
    assert "Từ chối tiếp nhận" in listed and "Hoàn thành" in listed
    assert "Trạng thái gửi cho nơi gửi" not in client.get("/thiet-ke/assign_work").get_data(as_text=True)
