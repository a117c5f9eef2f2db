"""In Chromium: choosing among many in task forms. Typing part of a name without accents finds it ("noi vu" →
Sở Nội vụ), options stay grouped, the people offered follow the unit chosen beside them, and the form sends."""
import io

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app import models_registry  # noqa: F401  (every model mapped before any statement is built)
from app.documents.metadata import parse_metadata
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingRecipient
from app.documents.receiving import receive_document
from app.filestore import store_pdf
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..documents.conftest import metadata_values
from ..factories import Factory
from ..pdf_samples import minimal_pdf
from .pickers import offered, open_picker, pick
from .test_browser_incoming import _complete, _menu, _open_task
from .test_browser_tasks import _log_in, _log_out

PROVINCE_AGENCIES = ["Sở Tài chính", "Sở Nội vụ", "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Xây dựng",
                     "Sở Tư pháp", "Sở Công Thương", "Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch",
                     "Thanh tra tỉnh", "Đài Phát thanh và Truyền hình"]


def _errors(page) -> list[str]:
    """Script errors and failed loads (the missing favicon aside: issue 15 gives it its own fix)."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    return errors


@pytest.mark.browser
def test_pickers_search_without_accents_group_and_follow_the_unit(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    office = make.agency(name="Văn phòng UBND tỉnh Thử", short_name="VP")
    lead = make.department(agency=office, name="Phòng Tổ chức cán bộ", abbreviation="TCCB")
    support = make.department(agency=office, name="Phòng Cải cách hành chính", abbreviation="CCHC")
    clerk = make.user(agency=office, roles=("clerk",), full_name="Nguyễn Thị Văn Thư")
    leader = make.user(agency=office, roles=("leader",), full_name="Trần Quang Minh", job_title="Chánh Văn phòng")
    specialist = make.user(agency=office, roles=("specialist",), department_id=lead.id, full_name="Đỗ Thị Lan",
                           job_title="Chuyên viên")
    make.user(agency=office, roles=("unit_head",), department_id=lead.id, full_name="Vũ Văn Hùng",
              job_title="Trưởng phòng")
    make.user(agency=office, roles=("specialist",), department_id=support.id, full_name="Bùi Thị Cải",
              job_title="Chuyên viên")
    agencies = {name: make.agency(name=name, short_name=f"S{n}") for n, name in enumerate(PROVINCE_AGENCIES)}
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        stored = store_pdf(io.BytesIO(minimal_pdf()), "cv.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
        document = receive_document(agency_id=office.id, metadata=parse_metadata(metadata_values()), main_file=stored,
                                    origin="paper", actor=clerk).document
        register = committed_db.session.scalars(
            select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
        complete_task(register.task_uuid, {"route": "leader"}, actor=clerk)
    document_id, noi_vu_id = document.id, agencies["Sở Nội vụ"].id
    names = {"leader": leader.username, "specialist": specialist.username}
    committed_db.session.commit()
    committed_db.session.remove()
    # A tablet: fingers tap the pickers (the left menu still shows at this width).
    page = browser_page.context.browser.new_context(has_touch=True, viewport={"width": 1024, "height": 1366}).new_page()
    page.set_default_timeout(30_000)
    errors = _errors(page)

    # The leader assigns: "Người chủ trì" offers only the people of the lead unit, grouped under it.
    _log_in(page, live_server, names["leader"])
    _open_task(page, "Phân công xử lý")
    page.get_by_label("Đơn vị chủ trì").select_option(label="Phòng Tổ chức cán bộ")
    assert offered(page, "Người chủ trì", touch=True) == ["— Chọn —", "Đỗ Thị Lan — Chuyên viên", "Vũ Văn Hùng — Trưởng phòng"]
    assert page.locator(".ts-dropdown .optgroup-header", has_text="Phòng Tổ chức cán bộ").count() == 1
    pick(page, "Người chủ trì", "do thi", "Đỗ Thị Lan — Chuyên viên", touch=True)
    pick(page, "Đơn vị phối hợp", "cai cach", "Phòng Cải cách hành chính", touch=True)
    page.get_by_label("Hạn xử lý").fill("31/12/2099")
    _complete(page, "Phân công xử lý")
    _log_out(page)

    # The specialist drafts a letter: "noi vu" finds Sở Nội vụ among the province's agencies.
    _log_in(page, live_server, names["specialist"])
    _menu(page, "Văn bản đi")
    page.get_by_role("button", name="Soạn văn bản đi").click()
    page.wait_for_url("**/cong-viec/*")
    pick(page, "Loại văn bản", "cong van", "Công văn", touch=True)
    page.get_by_label("Trích yếu").fill("Đề nghị cử cán bộ tập huấn")
    page.get_by_label("Nội dung").fill("Đề nghị Sở Nội vụ cử cán bộ.")
    open_picker(page, "Nơi nhận trong tỉnh", touch=True).press_sequentially("noi vu")
    expect(page.locator(".ts-dropdown:visible .option")).to_have_text(["Sở Nội vụ"])
    page.keyboard.press("Escape")
    page.get_by_role("combobox", name="Nơi nhận trong tỉnh").fill("")
    pick(page, "Nơi nhận trong tỉnh", "noi vu", "Sở Nội vụ", touch=True)
    page.get_by_label("Người ký").select_option(label="Trần Quang Minh — Chánh Văn phòng")
    _complete(page, "Soạn dự thảo văn bản đi")
    assert errors == []

    committed_db.session.remove()
    assigned = committed_db.session.get(Document, document_id)
    assert (assigned.lead_department.name, assigned.lead_user.full_name) == ("Phòng Tổ chức cán bộ", "Đỗ Thị Lan")
    recipients = committed_db.session.scalars(select(OutgoingRecipient.agency_id)).all()
    assert recipients == [noi_vu_id]
