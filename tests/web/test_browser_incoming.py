"""In Chromium: a scanned document goes 01 → 03 → 04 → 05 → 06 through Sở Nội vụ, and the registers print.

The clerk enters it and registers it, the leader assigns a lead and a supporting unit, each unit head
gives it to a specialist, the supporting specialist contributes, the lead specialist finishes it.
"""
import io
import re
from datetime import timedelta

import openpyxl
import pytest

from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue

from ..factories import Factory
from ..pdf_samples import minimal_pdf
from .pickers import pick
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in, _log_out

SUBJECT = "V/v đẩy mạnh cải cách hành chính và chuyển đổi số năm 2026"
SYMBOL = "125/UBND-VP"
LEAD_UNIT, SUPPORT_UNIT = "Phòng Tổ chức cán bộ", "Phòng Cải cách hành chính"
CONTRIBUTION = "Phòng Cải cách hành chính đề nghị bổ sung chỉ số cải cách hành chính năm 2026."
REPLY = "45/SNV-TCCB"


def _menu(page, name):
    """A link of the main menu (the breadcrumb repeats some of their names); "Việc của tôi" has a count after it."""
    menu = page.get_by_role("navigation", name="Menu chính")
    menu.get_by_role("link", name=re.compile(rf"^{re.escape(name)}(\s|$)")).click()


def _open_task(page, title):
    _menu(page, "Việc của tôi")
    page.get_by_role("main").get_by_role("link", name=title, exact=True).click()
    page.wait_for_url("**/cong-viec/*")
    assert page.get_by_role("heading", level=1).inner_text() == title
    fields = page.locator("main form[method=post] :is(input, select, textarea):not([type=hidden])")
    assert fields.count() > 0, f"the task page of “{title}” shows no form fields"


def _complete(page, title, confirm=None, done=None):
    """Submit the task form; `confirm` is the question an irreversible step asks first (accepted);
    `done` the message expected afterwards (default: "Đã hoàn thành: <title>.")."""
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    with page.expect_navigation():
        page.get_by_role("button", name="Hoàn thành", exact=True).click()
    page.remove_listener("dialog", answer)
    assert asked == ([confirm] if confirm else [])
    assert page.url.endswith("/viec-cua-toi"), page.inner_text("main")
    assert (done or f"Đã hoàn thành: {title}.") in page.inner_text("main")


def _open_document(page):
    """The document from the Văn bản đến list, found by accent-free words of its subject."""
    _menu(page, "Văn bản đến")
    page.get_by_label("Tìm (số, ký hiệu, trích yếu, cơ quan)").fill("cai cach")
    page.get_by_role("button", name="Lọc", exact=True).click()
    page.wait_for_url("**/van-ban-den?*q=cai+cach*")
    page.get_by_role("table").get_by_role("link", name=SYMBOL, exact=True).click()
    page.wait_for_url(re.compile(r".*/van-ban/\d+$"))


def _status(page) -> str:
    return page.locator("dl .badge").first.inner_text()


def _field(page, term) -> str:
    return page.locator(f"dl dt:text-is('{term}') + dd").inner_text()


def _timeline_codes(page) -> list[str]:
    badges = page.get_by_role("region", name="Quá trình xử lý").locator(".badge").all_inner_texts()
    return [text.split(" · ")[0] for text in badges]


@pytest.mark.browser
def test_incoming_document_from_entry_to_completion_and_registers(app, live_server, browser_page, committed_db,
                                                                  tmp_path):
    make = Factory(committed_db)
    agency = make.agency(name="Sở Nội vụ", short_name="SNV")
    clerk = make.user(agency=agency, roles=("clerk",), full_name="Trần Thị Văn Thư", job_title="Văn thư")
    leader = make.user(agency=agency, roles=("leader",), full_name="Nguyễn Văn Giám Đốc", job_title="Giám đốc")
    units = []
    for name, head_name, specialist_name in ((LEAD_UNIT, "Lê Văn Trưởng", "Phạm Thị Chủ Trì"),
                                             (SUPPORT_UNIT, "Hoàng Văn Phó", "Vũ Thị Phối Hợp")):
        department = make.department(agency=agency, name=name)
        head = make.user(agency=agency, roles=("unit_head",), department_id=department.id, full_name=head_name,
                         job_title="Trưởng phòng")
        specialist = make.user(agency=agency, roles=("specialist",), department_id=department.id,
                               full_name=specialist_name)
        units.append((head.username, specialist.username, specialist_name))
    clerk_name, leader_name = clerk.username, leader.username
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    committed_db.session.commit()
    committed_db.session.remove()
    scan = tmp_path / "cv-125-ubnd-vp.pdf"
    scan.write_bytes(minimal_pdf("Cong van 125/UBND-VP", pages=2))
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 900})
    page.set_default_timeout(30_000)  # CI machines have two cores shared with the server thread

    # 1. The clerk enters the scanned document; a missing trích yếu is refused and the rest is kept.
    _log_in(page, live_server, clerk_name)
    _menu(page, "Văn bản đến")
    page.get_by_role("link", name="Vào sổ văn bản đến", exact=True).click()
    page.wait_for_url("**/van-ban-den/vao-so")
    page.get_by_label("Loại văn bản").select_option(label="Công văn")
    page.get_by_role("textbox", name="Số", exact=True).fill("125")
    page.get_by_role("textbox", name="Ký hiệu", exact=True).fill("UBND-VP")
    page.get_by_label("Tên cơ quan ban hành").fill("UBND huyện Văn Yên")
    page.get_by_label("Ngày văn bản").fill(vietnam_today().strftime("%d/%m/%Y"))
    page.get_by_label("Độ khẩn").select_option(label="Khẩn")
    page.get_by_label("Tệp văn bản (PDF)").set_input_files(scan)
    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_load_state()
    subject = page.get_by_role("textbox", name="Trích yếu", exact=True)
    assert subject.get_attribute("aria-invalid") == "true"
    assert page.locator("#subject-error").inner_text() == "Nhập trích yếu."
    assert page.get_by_role("alert").first.inner_text() == "Vui lòng sửa các trường được đánh dấu."
    assert page.get_by_role("textbox", name="Số", exact=True).input_value() == "125"
    assert page.get_by_role("textbox", name="Ký hiệu", exact=True).input_value() == "UBND-VP"
    assert page.get_by_label("Tên cơ quan ban hành").input_value() == "UBND huyện Văn Yên"
    assert page.get_by_label("Độ khẩn").locator("option:checked").inner_text() == "Khẩn"
    subject.fill(SUBJECT)
    page.get_by_label("Tệp văn bản (PDF)").set_input_files(scan)  # a browser never keeps a chosen file
    page.screenshot(path=str(ARTIFACTS / "incoming-entry.png"), full_page=True)
    page.get_by_role("button", name="Tiếp nhận").click()
    page.wait_for_url(re.compile(r".*/van-ban/\d+$"))
    assert f"Đã tiếp nhận văn bản {SYMBOL}" in page.inner_text("main")
    assert _status(page) == "01 · Đã đến"
    assert _field(page, "Số đến") == "chưa vào sổ"

    # 2. The clerk registers it for the leader: số đến 01, status 03.
    _open_task(page, "Vào sổ văn bản đến")
    page.get_by_label("Trình lãnh đạo phân công").check()
    _complete(page, "Vào sổ văn bản đến",
              confirm="Vào sổ và cấp số đến cho văn bản này? Số đã cấp không thu hồi được.")
    _open_document(page)
    assert _status(page) == "03 · Đã tiếp nhận"
    assert _field(page, "Số đến") == "01 — Sổ văn bản đến"
    _log_out(page)

    # 3. The leader sees it waiting, assigns a lead and a supporting unit beside the document.
    _log_in(page, live_server, leader_name)
    _menu(page, "Theo dõi văn bản đến")
    waiting = page.get_by_role("region", name="Chờ phân công")
    assert SYMBOL in waiting.inner_text() and "Khẩn" in waiting.inner_text()
    _open_task(page, "Phân công xử lý")
    panel = page.get_by_role("region", name="Văn bản của công việc")
    pdf = panel.locator("object[type='application/pdf']")
    assert pdf.get_attribute("aria-label") == "Nội dung văn bản (PDF)"
    assert page.request.get(live_server + pdf.get_attribute("data")).body().startswith(b"%PDF")
    assert _status(panel) == "03 · Đã tiếp nhận"
    assert _field(panel, "Số/ký hiệu") == SYMBOL and _field(panel, "Trích yếu") == SUBJECT
    assert _field(panel, "Số trang") == "2"
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Tổ chức cán bộ chủ trì, tham mưu trả lời trước hạn.")
    page.get_by_label("Đơn vị chủ trì").select_option(label=LEAD_UNIT)
    pick(page, "Đơn vị phối hợp", "cai cach", SUPPORT_UNIT)
    due = (vietnam_today() + timedelta(days=10)).strftime("%d/%m/%Y")
    page.get_by_label("Hạn xử lý").fill(due)
    page.screenshot(path=str(ARTIFACTS / "incoming-task-panel.png"), full_page=True)
    _complete(page, "Phân công xử lý")
    _open_document(page)
    assert _status(page) == "04 · Phân công"
    assert _field(page, "Đơn vị chủ trì") == LEAD_UNIT
    assert _field(page, "Hạn xử lý").startswith(due)
    _log_out(page)

    # 4. Each unit head gives it to the unit's specialist.
    for (head, _specialist, specialist_name), task in zip(units, ("Giao xử lý (đơn vị chủ trì)",
                                                                  "Giao xử lý (đơn vị phối hợp)"), strict=True):
        _log_in(page, live_server, head)
        _open_task(page, task)
        page.get_by_label("Chuyên viên xử lý").select_option(label=f"{specialist_name} — Chuyên viên")
        page.get_by_label("Ý kiến giao việc").fill("Đề nghị xử lý đúng hạn.")
        _complete(page, task)
        _log_out(page)

    # 5. The supporting specialist contributes; the lead specialist reads it, notes progress, then finishes.
    _log_in(page, live_server, units[1][1])
    _open_task(page, "Phối hợp xử lý")
    page.get_by_label("Nội dung phối hợp").fill(CONTRIBUTION)
    _complete(page, "Phối hợp xử lý")
    _log_out(page)

    _log_in(page, live_server, units[0][1])
    _open_task(page, "Xử lý văn bản")
    panel = page.get_by_role("region", name="Văn bản của công việc")
    timeline = panel.get_by_role("region", name="Quá trình xử lý")
    assert CONTRIBUTION in timeline.inner_text() and f"Phối hợp xử lý · {SUPPORT_UNIT}" in timeline.inner_text()
    assert "Ý kiến giao việc" in timeline.inner_text() and "Đề nghị xử lý đúng hạn." in timeline.inner_text()
    page.get_by_label("Ghi nhận tiến độ", exact=True).check()
    page.get_by_role("textbox", name="Nội dung", exact=True).fill("Đã dự thảo văn bản trả lời, đang lấy ý kiến.")
    _complete(page, "Xử lý văn bản")
    _open_task(page, "Xử lý văn bản")
    panel = page.get_by_role("region", name="Văn bản của công việc")
    assert _status(panel) == "05 · Đang xử lý"
    assert "Đã dự thảo văn bản trả lời" in panel.inner_text()
    page.get_by_label("Hoàn thành xử lý", exact=True).check()
    page.get_by_role("textbox", name="Nội dung", exact=True).fill("Đã ban hành văn bản trả lời.")
    page.get_by_label("Số/ký hiệu văn bản trả lời (nếu có)").fill(REPLY)
    _complete(page, "Xử lý văn bản")

    # 6. Completed, with every status in order on the timeline.
    _open_document(page)
    assert _status(page) == "06 · Hoàn thành"
    assert _field(page, "Văn bản trả lời") == REPLY
    assert _timeline_codes(page) == ["01", "03", "04", "05", "06"]
    page.screenshot(path=str(ARTIFACTS / "incoming-document-completed.png"), full_page=True)
    _log_out(page)

    # 7. The clerk's registers: the row on the page, then the PDF and the XLSX.
    _log_in(page, live_server, clerk_name)
    _menu(page, "Sổ văn bản")
    assert page.get_by_role("heading", level=1).inner_text() == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"
    row = page.get_by_role("row").filter(has_text=SYMBOL)
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[1] == "01" and cells[3] == SYMBOL and cells[6] == LEAD_UNIT and "Khẩn" in cells[9]
    with page.expect_download() as printed:
        page.get_by_role("link", name="In (PDF)").click()
    assert printed.value.suggested_filename.endswith(".pdf")
    with open(printed.value.path(), "rb") as pdf_file:
        assert pdf_file.read(5) == b"%PDF-"
    with page.expect_download() as exported:
        page.get_by_role("link", name="Tải Excel (XLSX)").click()
    assert exported.value.suggested_filename.endswith(".xlsx")
    with open(exported.value.path(), "rb") as xlsx_file:
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.read())).active
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert any(SYMBOL in line and "01" in line for line in rows)
