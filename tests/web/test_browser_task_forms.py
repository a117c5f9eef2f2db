"""In Chromium: a refused task answer is shown where people look, and questions come after the checks."""
import io
import re

import pytest
from playwright.sync_api import expect
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
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in


def _receive_task(app, committed_db):
    """A document delivered to a new agency: its clerk's "Tiếp nhận văn bản" task, and the clerk's username."""
    make = Factory(committed_db)
    agency = make.agency(name="Sở Thử nghiệm Biểu mẫu", short_name="STN")
    clerk = make.user(agency=agency, roles=("clerk",), full_name="Đinh Thị Văn Thư")
    with app.test_request_context():
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        stored = store_pdf(io.BytesIO(minimal_pdf("Cong van", pages=3)), "van-ban.pdf",
                           files_dir=app.config["FILES_DIR"], max_bytes=20 << 20)
        document = receive_document(agency_id=agency.id, metadata=parse_metadata(metadata_values()),
                                    main_file=stored, origin="internal", actor=None,
                                    refuse_broken_signatures=False).document
    task_uuid = committed_db.session.scalars(
        select(HumanTask.task_uuid).where(HumanTask.instance_id == document.instance_id)).one()
    username = clerk.username
    committed_db.session.commit()
    committed_db.session.remove()
    return username, task_uuid


def _clerk_at_work(app, committed_db, page, live_server, width, height) -> str:
    """The clerk signed in on a screen of that size; the uuid of their "Tiếp nhận văn bản" task."""
    username, task_uuid = _receive_task(app, committed_db)
    page.set_viewport_size({"width": width, "height": height})
    _log_in(page, live_server, username)
    return task_uuid


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.mark.browser
def test_refusing_asks_only_once_the_reason_is_given(app, live_server, browser_page, committed_db):
    page = browser_page
    asked, errors = [], []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    task_uuid = _clerk_at_work(app, committed_db, page, live_server, 1366, 768)
    page.goto(f"{live_server}/cong-viec/{task_uuid}")

    page.get_by_label("Từ chối tiếp nhận (trả lại nơi gửi)").check()
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    assert asked == []  # no question about refusing while the reason is missing
    assert page.url.endswith(f"/cong-viec/{task_uuid}")
    summary = page.locator("#task-form [data-client-error][role=alert]")
    assert summary.get_by_role("link").all_inner_texts() == ["Lý do từ chối: Trường này bắt buộc."]
    assert _focused(page) == "f-refusal_reason"
    assert page.get_by_label("Lý do từ chối").get_attribute("aria-invalid") == "true"
    # Scrolled to, not left under the PDF (Bootstrap scrolls smoothly: wait for the scroll to end).
    expect(page.get_by_label("Lý do từ chối")).to_be_in_viewport(ratio=1)

    page.get_by_label("Lý do từ chối").fill("Sai")
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    assert asked == [] and summary.get_by_role("link").all_inner_texts() == ["Lý do từ chối: Tối thiểu 5 ký tự."]

    page.get_by_label("Lý do từ chối").fill("Gửi nhầm cơ quan")
    with page.expect_navigation():
        page.get_by_role("button", name="Hoàn thành", exact=True).click()
    assert len(asked) == 1 and asked[0].startswith("Từ chối tiếp nhận văn bản này?")
    assert page.url.endswith("/viec-cua-toi")
    assert errors == []


@pytest.mark.browser
def test_a_refused_answer_comes_back_focused_on_the_first_field_to_correct(app, live_server, browser_page,
                                                                        committed_db):
    page = browser_page
    task_uuid = _clerk_at_work(app, committed_db, page, live_server, 1366, 768)
    page.goto(f"{live_server}/cong-viec/{task_uuid}")
    # A value the browser does not judge (the server refuses it): the server's summary and focus take over.
    page.evaluate("document.getElementById('f-receive_decision-1').value = 'maybe'")
    page.get_by_label("Tiếp nhận", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Hoàn thành", exact=True).click()
    assert page.url.endswith(f"/cong-viec/{task_uuid}")
    summary = page.locator("#task-form [data-error-summary]")
    assert "Quyết định: Giá trị không nằm trong danh sách cho phép." in summary.inner_text()
    assert _focused(page) == "f-receive_decision-1"
    expect(page.get_by_label("Tiếp nhận", exact=True)).to_be_in_viewport(ratio=1)


@pytest.mark.browser
def test_on_a_phone_the_decision_comes_before_the_document_and_tasks_are_cards(app, live_server, browser_page,
                                                                             committed_db):
    page = browser_page
    task_uuid = _clerk_at_work(app, committed_db, page, live_server, 390, 844)

    page.goto(f"{live_server}/viec-cua-toi")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no column hidden off-screen
    card = page.locator("main table tbody tr").first
    assert card.locator("td").count() == 5 and all(cell.is_visible() for cell in card.locator("td").all())
    assert card.bounding_box()["width"] <= 390
    labels = card.evaluate("row => [...row.cells].map(c => getComputedStyle(c, '::before').content)")
    assert labels == ["none", '"Hồ sơ: "', '"Quy trình: "', '"Hạn xử lý: "', '"Người xử lý: "']
    assert not page.locator("main table thead").is_visible()
    page.screenshot(path=str(ARTIFACTS / "inbox-phone.png"), full_page=True)

    files = []
    page.on("request", lambda request: "/tep/" in request.url and files.append(request.url))
    card.get_by_role("link").click()
    page.wait_for_url(f"**/cong-viec/{task_uuid}")
    page.wait_for_load_state("networkidle")
    assert files == []  # the phone does not download the PDF it does not show
    decision = page.get_by_label("Tiếp nhận", exact=True)
    assert decision.bounding_box()["y"] < 844  # on the first screen
    button = page.get_by_role("button", name="Hoàn thành", exact=True).bounding_box()
    subject = page.locator("#task-subject").bounding_box()
    assert button["y"] < subject["y"]  # the form does not wait below the document
    assert not page.locator("object.pdf-view").is_visible()
    assert page.get_by_role("link", name="Mở văn bản").is_visible()
    assert page.get_by_role("link", name="Tải về").is_visible()
    page.screenshot(path=str(ARTIFACTS / "task-phone.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 768})
    viewer = page.locator("object.pdf-view")
    expect(viewer).to_have_attribute("data", re.compile(r"/tep/.*#view=FitH$"))
    assert viewer.is_visible()
    assert page.locator("#task-subject").bounding_box()["y"] < page.locator("#task-form").bounding_box()["y"]
    # "In" prints the PDF from a hidden frame and stays on the task. Headless Chromium has no print preview, and
    # under load its renderer crashes in a real print() of a PDF frame, so the frame's print is counted instead.
    page.evaluate("""() => {
        window.printedFrames = [];
        new MutationObserver(() => document.querySelectorAll("body > iframe").forEach(frame => {
            frame.addEventListener("load", () => {
                frame.contentWindow.print = () => window.printedFrames.push(frame.src);
            }, {capture: true});
        })).observe(document.body, {childList: true});
    }""")
    url = page.url
    page.get_by_role("link", name="In", exact=True).click()
    frame = page.locator("body > iframe.visually-hidden")
    assert frame.count() == 1 and "/tep/" in frame.get_attribute("src") and page.url == url
    page.wait_for_function("() => window.printedFrames.length === 1")


@pytest.mark.browser
def test_audit_date_filters_show_their_whole_date(app, live_server, browser_page, committed_db):
    make = Factory(committed_db)
    auditor = make.user(roles=("auditor",), province_wide=True)
    username = auditor.username
    committed_db.session.commit()
    committed_db.session.remove()
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 768})
    _log_in(page, live_server, username)
    page.goto(f"{live_server}/kiem-toan/ho-so")
    for label in ("Từ ngày", "Đến ngày"):
        box = page.get_by_label(label, exact=True)
        box.fill("13/11/2026")
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), label  # nothing scrolled out of view
