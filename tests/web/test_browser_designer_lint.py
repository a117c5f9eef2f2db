"""In Chromium: the modeler marks what breaks a rule as the designer draws (bpmnlint with our rule pack,
the code the server runs at publish), and the versions page colours what changed between two versions."""
import pytest

from app.designer import drafts, publishing
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue

from ..designer import bpmn_edits
from ..factories import Factory
from .test_browser import ARTIFACTS
from .test_browser_designer import ADD_STEP
from .test_browser_tasks import _log_in


@pytest.mark.browser
def test_a_designer_sees_lint_marks_in_the_modeler_and_the_diff_of_two_versions(
        app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    designer = make.user(roles=("designer",), province_wide=True, full_name="Bùi Quang Huy")
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        draft = drafts.open_draft("assign_work", actor=designer)
        changed = bpmn_edits.insert_step_after(draft.bpmn_xml, "assign", "consult_legal", "Xin ý kiến pháp chế",
                                               "lane_assigner", "assign_work/review.schema.json")
        drafts.save_diagram("assign_work", changed, actor=designer, lock_version=draft.lock_version)
        publishing.publish("assign_work", actor=designer, note="Thêm bước xin ý kiến pháp chế")
    committed_db.session.commit()
    username = designer.username
    committed_db.session.remove()
    page = browser_page

    _log_in(page, live_server, username)
    page.goto(f"{live_server}/thiet-ke/assign_work")
    page.wait_for_selector("#modeler[data-ready='1']")
    task_id = page.evaluate(ADD_STEP)  # a user task without a form: our rule marks it before any save
    marks = page.locator(f".djs-overlays[data-container-id='{task_id}'] .bjsl-icon-error")
    marks.wait_for(state="attached")
    reasons = page.locator(f".djs-overlays[data-container-id='{task_id}'] .bjsl-dropdown-content").text_content()
    assert "thiếu formJsonSchemaFilename" in reasons
    assert "lỗi" in page.locator(".bjsl-button").inner_text()
    marks.hover()  # opens the list of reasons
    page.screenshot(path=str(ARTIFACTS / "designer-lint.png"), full_page=True)
    # Choosing a form in the panel clears the mark.
    page.evaluate(f"window.lienThongModeler.get('selection').select("
                  f"window.lienThongModeler.get('elementRegistry').get('{task_id}'))")
    page.get_by_label("Biểu mẫu (JSON Schema)").select_option("assign_work/review.schema.json")
    marks.wait_for(state="detached")

    page.goto(f"{live_server}/thiet-ke/assign_work/phien-ban")
    page.get_by_label("Phiên bản cũ").select_option("1")
    page.get_by_label("Phiên bản mới").select_option("2")
    page.get_by_role("button", name="So sánh").click()
    page.wait_for_selector("[data-version-diff][data-ready='1']")
    added = page.locator("[data-diff-list] li[data-change='added']").all_inner_texts()
    assert any("Xin ý kiến pháp chế" in line and "consult_legal" in line for line in added), added
    assert page.locator("[data-diagram='new'] .djs-element.lt-diff-added[data-element-id='consult_legal']").count() == 1
    assert page.locator("[data-diagram='old'] [data-element-id='consult_legal']").count() == 0
    assert page.locator("[data-diff-list] li[data-change='changed']").count() >= 1
    assert "Thêm mới" in page.inner_text("[data-version-diff] p.small")
    page.screenshot(path=str(ARTIFACTS / "designer-version-diff.png"), full_page=True)
