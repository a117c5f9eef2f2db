"""A person logs in with Chromium, sees the Vietnamese shell, and can switch to English."""
from pathlib import Path

import pytest

from ..factories import Factory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_login_dashboard_and_language_switch(live_server, browser_page, committed_db):
    make = Factory(committed_db)
    agency = make.agency(name="Sở Thử nghiệm Trình duyệt", is_demo=True)
    user = make.user(agency=agency, roles=("leader",), full_name="Đặng Thị Thu Trang")
    username = user.username
    committed_db.session.commit()
    # Release the connection: on SQLite an open transaction would keep the server waiting to write.
    committed_db.session.remove()
    page = browser_page

    page.goto(f"{live_server}/")
    assert page.url.endswith("/dang-nhap?next=%2F")
    assert page.get_by_role("heading").first.inner_text().startswith("Đăng nhập")

    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."

    page.get_by_label("Mật khẩu").fill(Factory.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server}/")
    assert "Xin chào, Đặng Thị Thu Trang" in page.inner_text("main")
    assert "Sở Thử nghiệm Trình duyệt" in page.inner_text("main")
    assert "Bản trình diễn (demo)" in page.inner_text("body")
    # Bootstrap is served locally from node_modules, never from a CDN.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-vi.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    page.screenshot(path=str(ARTIFACTS / "dashboard-en.png"), full_page=True)

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
