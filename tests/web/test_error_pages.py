"""People see Vietnamese error pages, never a stack trace; the API answers errors in JSON."""
from app import create_app


def _app_with_a_failing_view(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/e.db", "SECRET_KEY": "k"})

    @app.route("/hong")
    def broken():
        raise RuntimeError("secret internals: connection string postgres://...")

    @app.route("/api/v1/hong")
    def broken_api():
        raise RuntimeError("secret internals")

    return app


def test_unexpected_error_is_a_vietnamese_page_without_internals(tmp_path):
    client = _app_with_a_failing_view(tmp_path).test_client()
    response = client.get("/hong")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Lỗi hệ thống" in html and "Thao tác chưa được lưu" in html
    assert "RuntimeError" not in html and "secret internals" not in html and "Traceback" not in html


def test_unexpected_api_error_is_json(tmp_path):
    response = _app_with_a_failing_view(tmp_path).test_client().get("/api/v1/hong")
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_not_found_page_is_vietnamese(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_oversized_upload_is_refused_in_vietnamese(app, client, make, login):
    login(make.user(roles=("admin",)))
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/quan-tri/nguoi-dung/nhap-csv", data=b"x" * (limit + 1),
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_vendor_assets_are_served_locally_and_nothing_else(client):
    assert client.get("/vendor/bootstrap.min.css").status_code == 200
    assert client.get("/vendor/..%2Fpackage.json").status_code == 404
    assert client.get("/vendor/popper.js").status_code == 404


def test_every_page_forbids_inline_scripts_and_foreign_framing(client):
    response = client.get("/dang-nhap")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "onsubmit=" not in response.get_data(as_text=True)


def test_the_site_has_an_icon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO header, not a 404 page
    assert "favicon.svg" in client.get("/dang-nhap").get_data(as_text=True)
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
