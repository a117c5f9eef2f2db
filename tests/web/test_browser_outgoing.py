"""In Chromium, the outgoing done-when: a specialist of the Văn phòng drafts a công văn to Sở Nội vụ; it is
reviewed, format-checked, signed with the leader's PIN, numbered and sealed by the clerk, released; Sở Nội
vụ's clerk finds it with two valid signatures, and the status flows back to the sender."""
import re
from pathlib import Path

import pytest

from app.signing.demo_keys import issue_demo_agency_key, issue_demo_person_key
from app.signing.demo_pki import ensure_demo_pki
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue

from ..factories import Factory
from .pickers import pick
from .test_browser import ARTIFACTS
from .test_browser_incoming import _complete, _menu, _open_task
from .test_browser_tasks import _log_in, _log_out

SUBJECT = "Đề nghị cử cán bộ tham dự tập huấn văn thư, lưu trữ năm 2026"
PIN = "864209"


@pytest.mark.browser
def test_outgoing_cong_van_from_draft_to_the_recipients_inbox(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    office = make.agency(name="Văn phòng UBND tỉnh", short_name="VPUBND")
    unit = make.department(agency=office, name="Phòng Hành chính - Tổ chức", abbreviation="HCTC")
    people = {
        "specialist": make.user(agency=office, roles=("specialist",), department_id=unit.id,
                                full_name="Phạm Thị Lan Anh"),
        "head": make.user(agency=office, roles=("unit_head",), department_id=unit.id, full_name="Lê Văn Hùng"),
        "checker": make.user(agency=office, roles=("format_checker",), full_name="Hoàng Minh Tuấn"),
        "leader": make.user(agency=office, roles=("leader",), full_name="Trần Quang Minh",
                            job_title="Chánh Văn phòng"),
        "clerk": make.user(agency=office, roles=("clerk",), full_name="Nguyễn Thị Thu Hà"),
    }
    snv = make.agency(name="Sở Nội vụ", short_name="SNV")
    snv_clerk = make.user(agency=snv, roles=("clerk",), full_name="Đỗ Thị Hương")
    pki = ensure_demo_pki(Path(app.config["PKI_DIR"]))
    issue_demo_person_key(pki, people["leader"], office.name, PIN)
    issue_demo_agency_key(pki, office, app.config["SIGNING_KEY_PASSPHRASE"])
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
    names = {key: user.username for key, user in people.items()}
    snv_clerk_name = snv_clerk.username
    committed_db.session.commit()
    committed_db.session.remove()
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser_page
    page.set_viewport_size({"width": 1400, "height": 900})
    # Numbering, sealing (with its timestamp) and releasing run two signatures and their validation in one
    # request: on a loaded 2-core CI machine that has taken over 30 s.
    page.set_default_timeout(90_000)

    # 1. The specialist drafts the công văn.
    _log_in(page, live_server, names["specialist"])
    _menu(page, "Văn bản đi")
    page.get_by_role("button", name="Soạn văn bản đi").click()
    page.wait_for_url("**/cong-viec/*")
    pick(page, "Loại văn bản", "cong van", "Công văn")
    page.get_by_label("Trích yếu").fill(SUBJECT)
    page.get_by_label("Nội dung").fill("Văn phòng UBND tỉnh đề nghị Sở Nội vụ cử 02 cán bộ tham dự tập huấn.\n"
                                       "Trân trọng./.")
    pick(page, "Nơi nhận trong tỉnh", "noi vu", "Sở Nội vụ")
    page.get_by_label("Người ký").select_option(label="Trần Quang Minh — Chánh Văn phòng")
    page.get_by_label("Thẩm quyền ký").select_option(label="TL. (thừa lệnh)")
    page.get_by_label("Thay mặt / ký thay cho").fill("Chủ tịch")
    _complete(page, "Soạn dự thảo văn bản đi")
    _menu(page, "Dự thảo")
    assert SUBJECT in page.inner_text("main") and "Chờ duyệt nội dung" in page.inner_text("main")
    _log_out(page)

    # 2. Content review and format check, each beside the preview.
    for who, title in (("head", "Duyệt nội dung dự thảo"), ("checker", "Kiểm tra thể thức")):
        _log_in(page, live_server, names[who])
        _open_task(page, title)
        preview = page.get_by_role("region", name="Văn bản của công việc").locator("object[type='application/pdf']")
        assert page.request.get(live_server + preview.get_attribute("data")).body().startswith(b"%PDF")
        page.get_by_label("Đồng ý, chuyển bước tiếp theo").check()
        _complete(page, title)
        _log_out(page)

    # 3. The leader signs with the PIN: asked first, then the verdict.
    _log_in(page, live_server, names["leader"])
    _open_task(page, "Ký số văn bản")
    page.get_by_label("Mã PIN chứng thư số").fill(PIN)
    page.screenshot(path=str(ARTIFACTS / "outgoing-sign.png"), full_page=True)
    _complete(page, "Ký số văn bản", done="Đã ký số văn bản. Chữ ký của Trần Quang Minh: hợp lệ.",
              confirm="Ký số văn bản này bằng chứng thư số của bạn? Chữ ký không thể thu hồi; văn bản chuyển văn thư "
                    "cấp số và phát hành.")
    _log_out(page)

    # 4. The clerk numbers, seals and releases.
    _log_in(page, live_server, names["clerk"])
    _open_task(page, "Cấp số, đóng dấu và phát hành")
    _complete(page, "Cấp số, đóng dấu và phát hành", done="Đã cấp số 01/VPUBND-HCTC và ký số của cơ quan: hợp lệ.",
              confirm="Cấp số, ngày ban hành, ký số của cơ quan và phát hành văn bản đến các nơi nhận? Không thể "
                    "hoàn tác.")
    _log_out(page)

    # 5. Sở Nội vụ's clerk finds it with both signatures valid.
    _log_in(page, live_server, snv_clerk_name)
    _menu(page, "Văn bản đến")
    page.get_by_role("table").get_by_role("link", name="01/VPUBND-HCTC", exact=True).click()
    page.wait_for_url(re.compile(r".*/van-ban/\d+$"))
    verdicts = page.get_by_role("region", name="Chữ ký số").inner_text()
    assert verdicts.count("Hợp lệ") == 2 and "Trần Quang Minh" in verdicts
    page.screenshot(path=str(ARTIFACTS / "outgoing-received.png"), full_page=True)
    _log_out(page)

    # 6. The status flows back to the sender.
    _log_in(page, live_server, names["specialist"])
    _menu(page, "Văn bản đi")
    row = page.get_by_role("table").get_by_role("row").filter(has_text="01/VPUBND-HCTC")
    assert "01 · Đã đến" in row.inner_text() and "Trần Quang Minh" in row.inner_text()
