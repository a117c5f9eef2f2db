"""In Chromium: an administrator opens an incident, sees the failed step marked on the diagram, fixes the
step's data and runs it again; the case completes."""
import json
import threading

import pytest
from waitress import create_server

from app.directory.models import User
from app.workflow.models import Incident, ProcessInstance

from ..factories import Factory
from ..workflow.incident_process import flaky_app
from ..workflow.test_incident_pages import _failed_case
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in


@pytest.mark.browser
def test_an_operator_repairs_an_incident(app, browser_page, committed_db, tmp_path):
    make = Factory(committed_db)
    agency = make.agency(name="Sở Thử nghiệm Sự cố")
    clerk = make.user(agency=agency, roles=("clerk",))
    admin = make.user(agency=agency, roles=("admin",), full_name="Lê Thị Vận Hành")
    committed_db.session.commit()
    clerk_id, username = clerk.id, admin.username
    committed_db.session.remove()  # SQLite: a read in this session would hold the write lock (BEGIN IMMEDIATE)
    with flaky_app(app, committed_db, tmp_path) as other:
        instance, incident = _failed_case(committed_db, committed_db.session.get(User, clerk_id))
        instance_id, incident_id = instance.id, incident.id
        committed_db.session.remove()
        server = create_server(other, host="127.0.0.1", port=0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.effective_port}"
        try:
            page = browser_page
            _log_in(page, base, username)
            page.get_by_role("link", name="Sự cố quy trình").first.click()
            page.get_by_role("link", name=f"#{incident_id}").click()
            page.wait_for_selector("#process-diagram[data-ready='1']")
            assert page.locator(".djs-element.lt-failed[data-element-id='send']").count() == 1
            assert "Dịch vụ ở bước «Gửi trục» báo lỗi." in page.inner_text("#incident-message")
            assert not page.locator("#incident-detail").is_visible()  # technical detail stays folded
            page.get_by_text("Chi tiết kỹ thuật").click()
            assert "KeyError" in page.inner_text("#incident-detail")
            page.screenshot(path=str(ARTIFACTS / "incident.png"), full_page=True)

            editor = page.get_by_label("Sửa dữ liệu của bước rồi chạy lại (JSON)")
            data = json.loads(editor.input_value())
            editor.fill(json.dumps({**data, "ma_so": "A1"}, ensure_ascii=False))
            page.get_by_role("button", name="Lưu dữ liệu và chạy lại").click()
            page.wait_for_selector(".alert-success")
            assert "Đã sửa dữ liệu và chạy lại" in page.content()
            assert page.inner_text("#incident-status") == "Đã xử lý"
        finally:
            server.close()
            thread.join(timeout=5)
    committed_db.session.remove()
    assert committed_db.session.get(ProcessInstance, instance_id).status == "completed"
    assert committed_db.session.get(Incident, incident_id).resolved_by.full_name == "Lê Thị Vận Hành"


@pytest.mark.browser
def test_a_designer_declares_retries_on_a_service_task(app, live_server, browser_page, committed_db):
    from sqlalchemy import select

    from app.designer.models import ProcessDraft
    from app.workflow.deployment import sync_processes
    from app.workflow.registry import catalogue

    make = Factory(committed_db)
    designer = make.user(roles=("designer",), province_wide=True)
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    committed_db.session.commit()
    username = designer.username
    committed_db.session.remove()
    page = browser_page
    _log_in(page, live_server, username)
    page.get_by_role("link", name="Thiết kế quy trình").first.click()
    page.locator("tr", has_text="incoming_document").get_by_role("link", name="Sửa").click()
    page.wait_for_selector("#modeler[data-ready='1']")
    page.evaluate("""() => { const m = window.lienThongModeler;
      m.get('selection').select(m.get('elementRegistry').get('register_service')); }""")
    for label, value in (("Số lần thử khi dịch vụ tạm lỗi (1–10)", "11"), ("Chờ trước lần thử lại đầu (giây)", "30")):
        # Enter commits the field (change) while the focus stays in the panel, which then keeps its controls.
        page.get_by_label(label).fill(value)
        page.get_by_label(label).press("Enter")
    page.get_by_label("Cho phép quản trị viên bỏ qua bước khi có sự cố").check()
    page.get_by_role("button", name="Lưu bản nháp và kiểm tra").click()
    page.wait_for_selector("#problems .list-group-item-danger")
    assert "retries" in page.inner_text("#problems")  # out of bounds: refused by the server's check
    page.get_by_label("Số lần thử khi dịch vụ tạm lỗi (1–10)").fill("3")
    page.get_by_label("Số lần thử khi dịch vụ tạm lỗi (1–10)").press("Enter")
    page.get_by_role("button", name="Lưu bản nháp và kiểm tra").click()
    page.wait_for_selector("#problems .list-group-item-success")
    committed_db.session.remove()
    draft = committed_db.session.scalars(select(ProcessDraft).where(ProcessDraft.process_id == "incoming_document")).one()
    snippet = draft.bpmn_xml[draft.bpmn_xml.index('serviceTask id="register_service"'):][:1500]
    for stored in ('name="retries" value="3"', 'name="retryBackoff" value="30"', 'name="skippable" value="true"'):
        assert stored in draft.bpmn_xml, snippet
