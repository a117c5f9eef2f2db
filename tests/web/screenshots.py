"""`make screenshots`: a picture of every main page of every role, at desktop and phone width, for review.

Runs its own throw-away installation (a temporary instance folder: SQLite, demo province, demo keys), serves
it on a free port and walks tests/web/journeys.py in headless Chromium. Writes OUT/<width>/<nn>-<account>-
<page>.png and prints where. Usage: python -m tests.web.screenshots [OUT] (default instance/screenshots).
"""
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from .journeys import JOURNEYS, WIDTHS, walk

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Cần Chromium (apt-get install chromium).", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="lienthong-screenshots-") as instance:
        os.environ["INSTANCE_PATH"] = instance
        for name in ("DATABASE_URL", "FILES_DIR", "PKI_DIR", "AXIS_ENDPOINT", "CELERY_BROKER_URL"):
            os.environ.pop(name, None)
        from flask_migrate import upgrade
        from waitress import create_server

        from app import create_app

        app = create_app()
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        if result.exit_code != 0:
            print(result.output, file=sys.stderr)
            return 1
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        threading.Thread(target=server.run, daemon=True).start()
        try:
            count = _walk_all(chromium, f"http://127.0.0.1:{server.effective_port}", out)
        finally:
            server.close()
    print(f"{count} ảnh trong {out}")
    return 0


def _walk_all(chromium: str, base: str, out: Path) -> int:
    from playwright.sync_api import sync_playwright

    count = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            (out / width_name).mkdir(parents=True, exist_ok=True)
            shots = 0
            for journey in JOURNEYS:
                def shoot(stop, _response, journey=journey, width_name=width_name):
                    nonlocal shots
                    shots += 1
                    page.screenshot(path=str(out / width_name / f"{shots:02d}-{journey.username}-{stop.name}.png"),
                                    full_page=True)
                walk(page, base, journey, shoot)
            count += shots
        browser.close()
    return count


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "instance" / "screenshots"))
