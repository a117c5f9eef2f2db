"""The print renderer fetches the bundled fonts and inline images, and nothing else."""
import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import weasyprint
from weasyprint.text.fonts import FontConfiguration

from app.rendering.fetcher import RestrictedURLFetcher, URLRefused
from app.rendering.fonts import field_font, field_font_urls, font_face_css, font_files
from app.rendering.pdf import render_pdf_document

# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture
def http_server():
    """A real HTTP server on loopback that counts the requests it receives."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_fonts_are_served_from_their_files():
    fetcher = RestrictedURLFetcher()
    for path in font_files().values():
        response = fetcher.fetch(path.as_uri())
        assert response.read() == path.read_bytes()
    assert fetcher.served == [path.as_uri() for path in font_files().values()]
    assert fetcher.refused == []


def test_the_font_face_rules_load_all_four_fonts_through_the_fetcher():
    # A fresh configuration: the shared one has the fonts cached after the first render.
    fetcher = RestrictedURLFetcher()
    weasyprint.CSS(string=font_face_css(), font_config=FontConfiguration(), url_fetcher=fetcher)
    assert sorted(fetcher.served) == sorted(path.as_uri() for path in font_files().values())
    assert fetcher.refused == []


def test_the_field_faces_are_served_from_memory():
    fetcher = RestrictedURLFetcher(allowed_files=())
    for url, face in field_font_urls().items():
        assert fetcher.fetch(url).read() == field_font(face)
    assert fetcher.served == list(field_font_urls())
    for url in ("lt-font:fields-bold", "lt-font:fields-regular?x", "lt-font:/etc/passwd", "lt-font:fields-regular#x"):
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    assert fetcher.refused == ["lt-font:fields-bold", "lt-font:fields-regular?x", "lt-font:/etc/passwd",
                               "lt-font:fields-regular#x"]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "FILE:///etc/passwd",
    "http://127.0.0.1:9/image.png",
    "https://example.invalid/image.png",
    "ftp://example.invalid/image.png",
    "data:text/html,<h1>x</h1>",
    "relative/image.png",
])
def test_other_urls_are_refused(url):
    fetcher = RestrictedURLFetcher()
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_font_lookalikes_are_refused():
    regular = font_files()["regular"]
    lookalikes = [
        # Out of the font directory and back in, then out to another file.
        f"{regular.parent.as_uri()}/../{regular.parent.name}/../../../../../etc/passwd",
        f"{regular.parent.as_uri()}/GUST-FONT-LICENSE.txt",  # a real file beside the fonts
        f"file://otherhost{regular}",
        f"{regular.as_uri()}?x=1",
        f"{regular.as_uri()}#x",
    ]
    fetcher = RestrictedURLFetcher()
    for url in lookalikes:
        with pytest.raises(URLRefused):
            fetcher.fetch(url)
    assert fetcher.served == []
    # The same font reached through ".." is still exactly that file: allowed.
    dotted = f"{regular.parent.as_uri()}/../{regular.parent.name}/{regular.name}"
    assert fetcher.fetch(dotted).read() == regular.read_bytes()


def test_data_images_are_decoded_without_a_fetch():
    fetcher = RestrictedURLFetcher()
    url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    response = fetcher.fetch(url)
    assert response.read() == PNG
    assert response.content_type == "image/png"
    with pytest.raises(URLRefused):
        RestrictedURLFetcher(allow_data_images=False).fetch(url)


def test_rendering_skips_refused_resources_and_fetches_nothing(http_server, caplog):
    base, requests = http_server
    png = base64.b64encode(PNG).decode()
    html = f"""<html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <style>body {{ background: url("file:///etc/passwd"); }}
             @font-face {{ font-family: Evil; src: url("{base}/evil.woff"); }}</style>
    </head><body>
      <p>Văn bản có hình ảnh từ ngoài.</p>
      <img src="{base}/tracker.png">
      <img src="file:///etc/passwd">
      <img src="file:///etc/hostname">
      <img src="data:image/png;base64,{png}">
      <img src="relative.png">
    </body></html>"""
    rendered = render_pdf_document(html, base_url=f"{base}/docs/")

    assert rendered.pdf.startswith(b"%PDF-")
    assert requests == []  # the server saw no request at all
    assert set(rendered.refused_urls) == {
        f"{base}/style.css", "file:///etc/passwd", f"{base}/evil.woff", f"{base}/tracker.png",
        "file:///etc/hostname", f"{base}/docs/relative.png"}
    assert b"root:" not in rendered.pdf
    assert any("refused to fetch file:///etc/passwd" in record.getMessage() for record in caplog.records)
