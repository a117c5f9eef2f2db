"""In Chromium: a leader opens the statistics, picks a quarter, sees the monthly chart drawn from the
same numbers as its table, with no console error, and downloads the report as XLSX and as PDF."""
import pytest

from app.reports.facts import refresh_document_facts

from ..factories import Factory
from ..reports.conftest import YEAR, build_province
from .test_browser import ARTIFACTS
from .test_browser_tasks import _log_in


def _download(page, link_name: str) -> tuple[str, bytes]:
    """Click a download link; the response's content type and the saved file's bytes."""
    with page.expect_response(lambda response: "dinh-dang=" in response.url) as answer:
        with page.expect_download() as download:
            page.get_by_role("link", name=link_name).click()
    with open(download.value.path(), "rb") as saved:
        return answer.value.headers["content-type"], saved.read()


@pytest.mark.browser
def test_leader_filters_a_quarter_sees_a_chart_and_downloads(app, live_server, browser_page, committed_db):
    with app.test_request_context():
        province = build_province(Factory(committed_db), committed_db)
        committed_db.session.commit()
        refresh_document_facts()
        committed_db.session.commit()
    leader = province.leaders[province.agencies[0].id].username
    committed_db.session.remove()
    page = browser_page
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": 1366, "height": 900})
    _log_in(page, live_server, leader)

    page.get_by_role("link", name="Báo cáo, thống kê").first.click()
    page.wait_for_url(f"{live_server}/bao-cao/thong-ke*")
    page.get_by_label("Kỳ báo cáo", exact=True).select_option("quarter")
    page.get_by_label("Năm", exact=True).fill(str(YEAR))
    page.get_by_label("Quý", exact=True).select_option("2")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**quarter=2**")
    assert "Quý 2/2025" in page.inner_text("main")

    drawn = page.evaluate("""() => {
        const canvas = document.getElementById('chart-trend');
        const chart = window.Chart && window.Chart.getChart(canvas);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) { painted++; } }
        return {labels: chart ? chart.data.labels : null, incoming: chart ? chart.data.datasets[0].data : null,
                painted: painted, width: canvas.width};
    }""")
    assert drawn["labels"] == ["04/2025", "05/2025", "06/2025"]
    table = [int(text.replace(".", "")) for text in
             page.locator("#chart-trend-table tbody tr td:nth-of-type(1)").all_inner_texts()]
    assert drawn["incoming"] == table and sum(table) > 0
    assert drawn["width"] > 0 and drawn["painted"] > 1000  # lines, axes and labels, not a blank canvas
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-statistics-quarter.png"), full_page=True)

    content_type, body = _download(page, "Tải Excel (XLSX)")
    assert content_type.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert body.startswith(b"PK")
    content_type, body = _download(page, "In (PDF)")
    assert content_type.startswith("application/pdf") and body.startswith(b"%PDF")

    page.goto(f"{live_server}/bao-cao/hieu-qua-xu-ly?period=quarter&year={YEAR}&quarter=2")
    charts = page.evaluate("() => ['chart-on-time', 'chart-backlog'].map("
                           "id => Boolean(window.Chart.getChart(document.getElementById(id))))")
    assert charts == [True, True]
    page.screenshot(path=str(ARTIFACTS / "reports-performance.png"), full_page=True)
    assert problems == []
