"""In Chromium: a leader chases an overdue document at phone width (Đôn đốc with a message); the handler
sees the bell's count, the notice in Thông báo, and opens the document from it."""
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
from app.workflow.runtime import complete_task

from ..documents.conftest import metadata_values
from ..factories import Factory
from ..pdf_samples import minimal_pdf
from .journeys import sign_out
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in


def _task(db, instance_id, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


@pytest.mark.browser
def test_a_leader_chases_an_overdue_document_and_the_handler_is_told(app, live_server, browser_page, committed_db):
    db = committed_db
    make = Factory(db)
    agency = make.agency(name="Sở Thử nghiệm Đôn đốc")
    unit = make.department(agency=agency, name="Phòng Tổng hợp")
    clerk = make.user(agency=agency, roles=("clerk",))
    leader = make.user(agency=agency, roles=("leader",), full_name="Hà Văn Lãnh")
    head = make.user(agency=agency, roles=("unit_head",), department_id=unit.id)
    specialist = make.user(agency=agency, roles=("specialist",), department_id=unit.id, full_name="Lê Thị Chuyên")
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        stored = store_pdf(io.BytesIO(minimal_pdf()), "van-ban.pdf", files_dir=app.config["FILES_DIR"],
                           max_bytes=1 << 20)
        document = receive_document(agency_id=agency.id, main_file=stored, origin="paper", actor=clerk,
                                    metadata=parse_metadata(metadata_values(number="31"))).document
        instance_id = document.instance_id
        complete_task(_task(db, instance_id, "register").task_uuid, {"route": "leader"}, actor=clerk)
        complete_task(_task(db, instance_id, "assign").task_uuid, {"lead_department_id": unit.id}, actor=leader)
        complete_task(_task(db, instance_id, "dispatch_lead").task_uuid, {"specialist": specialist.username},
                      actor=head)
    _task(db, instance_id, "handle").due_at = datetime.now(timezone.utc) - timedelta(days=1)
    document_id, names = document.id, (leader.username, specialist.username)
    db.session.commit()
    db.session.remove()
    page = browser_page
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, names[0])
    page.goto(f"{live_server}/van-ban/{document_id}")
    page.get_by_label("Lời nhắc (không bắt buộc, tối đa 500 ký tự)").fill("Đề nghị hoàn thành trong hôm nay.")
    page.get_by_role("button", name="Đôn đốc", exact=True).click()
    page.wait_for_url(f"{live_server}/van-ban/{document_id}")
    main = page.inner_text("main")
    assert "Đã đôn đốc 1 người đang xử lý." in main and "Lần đôn đốc gần nhất" in main
    assert "Đề nghị hoàn thành trong hôm nay." in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "don-doc-leader-390.png"), full_page=True)
    sign_out(page)

    _log_in(page, live_server, names[1])
    bell = page.get_by_role("link", name="Thông báo: 2 chưa đọc")  # the new task and the reminder
    bell.click()
    page.wait_for_url(f"{live_server}/thong-bao")
    assert "Hà Văn Lãnh đôn đốc xử lý văn bản. Đề nghị hoàn thành trong hôm nay." in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "thong-bao-390.png"), full_page=True)
    page.get_by_text("Hà Văn Lãnh đôn đốc xử lý văn bản.").click()
    page.wait_for_url(f"{live_server}/van-ban/{document_id}")
    assert page.get_by_role("link", name="Thông báo: 1 chưa đọc").count() == 1
    assert problems == []
