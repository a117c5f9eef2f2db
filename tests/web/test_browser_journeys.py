"""Every role walks the demo province's main pages at desktop and phone width: each page answers, shows no
console error, no engine internals, and fits the phone's width."""
import pytest

from .journeys import JOURNEYS, RAW, WIDTHS, log_in, sign_out, walk


@pytest.fixture
def demo_province(app, committed_db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    committed_db.session.remove()  # release SQLite for the server's writes


@pytest.mark.browser
def test_every_role_walks_its_pages_at_desktop_and_phone_width(demo_province, live_server, browser_page):
    page = browser_page
    problems, console = [], []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.append(str(error)))

    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        for journey in JOURNEYS:
            def check(stop, response, journey=journey, width_name=width_name, width=width):
                where = f"{journey.username} {width_name} {stop.name}"
                if response is None:
                    problems.append(f"{where}: nothing to open on {stop.path}")
                    return
                if response.status != 200:
                    problems.append(f"{where}: HTTP {response.status} at {page.url}")
                text = page.inner_text("body")
                everything = page.text_content("body")  # a phone's folded menu counts as there, not as shown
                if raw := RAW.search(text):
                    problems.append(f"{where}: shows {raw.group(0)!r} at {page.url}")
                for expected in journey.expect.get(stop.name, ()):
                    if expected not in everything:
                        problems.append(f"{where}: {expected!r} missing at {page.url}")
                for unexpected in journey.absent.get(stop.name, ()):
                    if unexpected in everything:
                        problems.append(f"{where}: {unexpected!r} shown at {page.url}")
                overflow = page.evaluate("document.documentElement.scrollWidth")
                if overflow > width + 1:
                    problems.append(f"{where}: {overflow} px wide at {page.url}")
                if console:
                    problems.append(f"{where}: console {console[:3]} at {page.url}")
                    console.clear()

            walk(page, live_server, journey, check)
    # English mode: the shipped process speaks English too (a designer's own texts would stay as written).
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_out(page)
    log_in(page, live_server, JOURNEYS[0].username)
    page.goto(f"{live_server}/viec-cua-toi")
    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    english = page.inner_text("main")
    if "Receive the document" not in english or "Tiếp nhận văn bản" in english:
        problems.append(f"English inbox still in Vietnamese: {english[:300]!r}")
    assert not problems, "\n".join(problems)
