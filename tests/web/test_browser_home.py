"""In Chromium at phone width (390 px): the clerk's home page shows the day's work as cards, with no
horizontal scroll and no console error; at desktop width (1366 px) the leader's shows the agency's counts."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.documents.metadata import parse_metadata
from app.documents.receiving import receive_document
from app.filestore import store_pdf
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue

from ..documents.conftest import metadata_values
from ..factories import Factory
from ..pdf_samples import minimal_pdf
from .journeys import sign_out
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in

LONG_SUBJECT = ("V/v đề nghị rà soát, tổng hợp và báo cáo kết quả thực hiện nhiệm vụ cải cách hành chính "
                "giai đoạn 2026–2030 của các cơ quan, đơn vị trực thuộc")


@pytest.mark.browser
def test_home_page_on_a_phone_and_a_desktop(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    agency = make.agency(name="Sở Thử nghiệm Trang chủ")
    clerk = make.user(agency=agency, roles=("clerk",), full_name="Nông Thị Văn Thư")
    leader = make.user(agency=agency, roles=("leader",), full_name="Hà Văn Lãnh")
    names = clerk.username, leader.username
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        for number, urgency in (("11", "3"), ("12", "0")):
            stored = store_pdf(io.BytesIO(minimal_pdf()), "van-ban.pdf", files_dir=app.config["FILES_DIR"],
                               max_bytes=1 << 20)
            receive_document(agency_id=agency.id, main_file=stored, origin="paper", actor=clerk,
                             metadata=parse_metadata(metadata_values(number=number, urgency=urgency,
                                                                     subject=LONG_SUBJECT)))
    late = committed_db.session.scalars(select(HumanTask).order_by(HumanTask.id)).first()
    late.due_at = datetime.now(timezone.utc) - timedelta(days=1)
    committed_db.session.commit()
    committed_db.session.remove()
    page = browser_page
    problems = []
    page.on("console", lambda message: problems.append(f"{message.text} ({message.location.get('url')})")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, names[0])
    main = page.inner_text("main")
    assert "Việc của tôi" in main and "Văn bản chờ tiếp nhận, vào sổ" in main and "Quá hạn 1 ngày" in main
    assert page.locator(".home-task.list-group-item-danger").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-clerk-390.png"), full_page=True)
    page.locator(".home-task a").first.click()
    page.wait_for_url(f"{live_server}/cong-viec/*")
    sign_out(page)  # signed out (on a phone the menu with "Đăng xuất" is folded away)

    page.set_viewport_size({"width": 1366, "height": 768})
    _log_in(page, live_server, names[1])
    assert "Theo dõi của cơ quan" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.screenshot(path=str(ARTIFACTS / "home-leader-1366.png"), full_page=True)
    page.locator("#agency-overdue").click()
    page.wait_for_url(f"{live_server}/van-ban-den?overdue=1")
    assert problems == []
