"""In Chromium: a leader assigns work, the specialist finds it in Việc của tôi and reports through the form."""
from datetime import timedelta

import pytest

from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue

from ..factories import Factory
from .test_browser import ARTIFACTS


def _log_in(page, base, username):
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def _log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()


@pytest.mark.browser
def test_giao_viec_in_the_browser(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    agency = make.agency(name="Sở Thử nghiệm Giao việc")
    leader = make.user(agency=agency, roles=("leader",), full_name="Hà Văn Lãnh")
    specialist = make.user(agency=agency, roles=("specialist",), full_name="Lò Thị Thực")
    auditor = make.user(agency=agency, roles=("auditor",), full_name="Vì Văn Kiểm")
    names = leader.username, specialist.username, auditor.username
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    committed_db.session.commit()
    committed_db.session.remove()
    page = browser_page

    _log_in(page, live_server, names[0])
    page.get_by_role("link", name="Việc của tôi").click()
    page.get_by_role("link", name="Khởi tạo quy trình").click()
    page.get_by_role("button", name="Bắt đầu: Giao việc").click()
    page.get_by_label("Tên công việc").fill("Rà soát danh mục thủ tục")
    page.get_by_label("Nội dung, yêu cầu").fill("Rà soát và đề xuất cắt giảm.")
    page.get_by_label("Người thực hiện").select_option(names[1])
    page.get_by_label("Hạn hoàn thành").fill("31/02/2026")
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Ngày không hợp lệ" in page.inner_text("main")
    assert page.get_by_label("Tên công việc").input_value() == "Rà soát danh mục thủ tục"
    page.get_by_label("Hạn hoàn thành").fill((vietnam_today() + timedelta(days=3)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành: Giao việc." in page.inner_text("main")
    _log_out(page)

    _log_in(page, live_server, names[1])
    page.get_by_role("link", name="Việc của tôi").click()
    page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)
    page.get_by_role("link", name="Báo cáo kết quả").click()
    assert "Rà soát danh mục thủ tục" in page.inner_text("main")
    page.get_by_label("Đã hoàn thành, đề nghị đánh giá").check()
    page.get_by_label("Nội dung báo cáo / lý do xin gia hạn").fill("Đã rà soát 120 thủ tục.")
    page.screenshot(path=str(ARTIFACTS / "task-form.png"), full_page=True)
    page.get_by_role("button", name="Hoàn thành").click()
    assert "Đã hoàn thành: Báo cáo kết quả." in page.inner_text("main")
    assert "Không có việc nào đang chờ bạn" in page.inner_text("main")
    _log_out(page)

    # The auditor steps through the case on its diagram.
    _log_in(page, live_server, names[2])
    page.goto(f"{live_server}/kiem-toan/ho-so")
    page.get_by_role("link", name="Rà soát danh mục thủ tục").click()
    page.wait_for_selector("#process-diagram[data-ready='1']")
    assert page.locator(".djs-element.lt-active[data-element-id='review']").count() == 1
    assert page.locator(".djs-element.lt-completed[data-element-id='assign']").count() == 1
    page.locator("[data-event-seq]", has_text="Hoàn thành: Giao việc").get_by_role("button").click()
    assert page.locator(".djs-element.lt-active[data-element-id='report']").count() == 1
    assert page.locator(".djs-element.lt-active[data-element-id='review']").count() == 0
    assert "Rà soát danh mục thủ tục" in page.inner_text("#step-data")
    # The forms' labels and the list's step number, never the data's keys or the chain's event number.
    assert "Tên công việc" in page.inner_text("#step-data") and "work_title" not in page.inner_text("#step-data")
    chosen = page.locator("[data-event-seq].step-chosen .badge").inner_text()
    assert page.inner_text("#step-data-seq") == f"· sau bước {chosen}"
    page.locator("#step-raw-data summary").click()  # the auditor's exact record, as JSON
    assert "work_title" in page.inner_text("#step-raw-data")
    page.screenshot(path=str(ARTIFACTS / "history-step.png"), full_page=True)
