"""In Chromium: a designer adds a step in the bpmn-js modeler, sees the check refuse it, fixes it in the
properties panel and publishes; the next case follows the new step."""
import pytest
from sqlalchemy import select

from app.directory.models import User
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance

from ..factories import Factory
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in

ADD_STEP = """() => {
  const modeler = window.lienThongModeler;
  const registry = modeler.get('elementRegistry'), modeling = modeler.get('modeling');
  const flow = registry.get('to_route'), lane = registry.get('lane_assigner');
  const target = flow.target;
  const task = modeling.createShape({type: 'bpmn:UserTask'},
    {x: flow.source.x + flow.source.width + 60, y: lane.y + lane.height - 50}, registry.get('assign_work_participant'));
  modeling.updateProperties(task, {name: 'Xin ý kiến pháp chế'});
  modeling.reconnectEnd(flow, task, {x: task.x, y: task.y + task.height / 2});
  modeling.connect(task, target);
  return task.id;
}"""


@pytest.mark.browser
def test_a_designer_adds_a_step_fixes_it_and_publishes(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    designer = make.user(roles=("designer",), province_wide=True, full_name="Bùi Quang Huy")
    agency = make.agency(name="Sở Thử nghiệm Thiết kế")
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",))
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    committed_db.session.commit()
    username, leader_id, assignee = designer.username, leader.id, specialist.username
    committed_db.session.remove()
    page = browser_page

    _log_in(page, live_server, username)
    page.get_by_role("link", name="Thiết kế quy trình").first.click()
    page.locator("tr", has_text="assign_work").get_by_role("link", name="Sửa").click()
    page.wait_for_selector("#modeler[data-ready='1']")
    task_id = page.evaluate(ADD_STEP)
    page.get_by_role("button", name="Lưu bản nháp và kiểm tra").click()
    page.wait_for_selector("#problems .list-group-item-danger")
    assert "thiếu formJsonSchemaFilename" in page.inner_text("#problems")
    assert page.locator(f".djs-element.lt-problem[data-element-id='{task_id}']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "designer-problem.png"), full_page=True)

    page.locator("#problems").get_by_role("button", name=task_id).click()  # selects the element
    page.get_by_label("Biểu mẫu (JSON Schema)").select_option("assign_work/review.schema.json")
    # The panel speaks words, not stored values: the id on its own line, the signing kinds by name.
    assert page.locator("#properties [data-element-id-line]").inner_text() == f"Mã phần tử: {task_id}"
    signing = page.get_by_label("Bước ký số").locator("option")
    assert signing.all_inner_texts() == ["Không ký", "Người ký", "Cơ quan (con dấu)"]
    assert [signing.nth(i).get_attribute("value") for i in range(3)] == ["", "signer", "organization"]
    page.get_by_role("button", name="Lưu bản nháp và kiểm tra").click()
    page.wait_for_selector("#problems .list-group-item-success")

    # Test run of the draft: the leader's form, then the new step waits, marked on the diagram.
    editor_url = page.url
    page.get_by_role("link", name="Chạy thử").click()
    page.get_by_role("button", name="Bắt đầu chạy thử").click()
    page.get_by_label("Tên công việc").fill("Rà soát thủ tục")
    page.get_by_label("Nội dung, yêu cầu").fill("Chạy thử bước mới.")
    page.get_by_label("Người thực hiện").select_option(index=1)  # anyone the designer may see
    page.get_by_label("Hạn hoàn thành").fill("05/01/2099")
    page.get_by_role("button", name="Hoàn thành (chạy thử)").click()
    assert "Xin ý kiến pháp chế" in page.inner_text("main")
    page.wait_for_selector("#process-diagram[data-ready='1']")
    assert page.locator(f".djs-element.lt-active[data-element-id='{task_id}']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "designer-test-run.png"), full_page=True)
    page.goto(editor_url)
    # Without its required note, publishing is not asked about: the note is asked for, in Vietnamese.
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    page.get_by_role("button", name="Xuất bản", exact=True).click()
    assert asked == [] and page.url == editor_url
    assert page.locator("[data-client-error][role=alert]").get_by_role("link").all_inner_texts() == [
        "Ghi chú thay đổi: Trường này bắt buộc."]
    assert page.evaluate("document.activeElement.id") == "note"
    page.remove_listener("dialog", refuse)
    page.get_by_label("Ghi chú thay đổi").fill("Thêm bước xin ý kiến pháp chế")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xuất bản", exact=True).click()
    assert "Đã xuất bản phiên bản 2" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "designer-published.png"), full_page=True)

    with app.test_request_context():
        version = latest_version("assign_work")
        assert version.number == 2 and version.source == "designer" and version.note == "Thêm bước xin ý kiến pháp chế"
        leader = committed_db.session.get(User, leader_id)
        instance = start_instance("assign_work", actor=leader)
        assign = committed_db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        complete_task(assign.task_uuid, {"work_title": "Rà soát", "description": "…", "assignee": assignee,
                                         "due_date": "2099-01-05"}, actor=leader)
        ready = committed_db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all()
        assert ready == [task_id]
        committed_db.session.commit()
