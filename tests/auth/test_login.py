"""Login through the real form: success, failure, throttling, CSRF, password change."""
from sqlalchemy import select

from app.audit.models import AuditEvent

from ..conftest import csrf_token_from
from ..factories import Factory


def _attempt(client, username, password):
    page = client.get("/dang-nhap")
    return client.post("/dang-nhap", data={"username": username, "password": password,
                                           "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_login_page_is_vietnamese(client):
    html = client.get("/dang-nhap").get_data(as_text=True)
    assert 'lang="vi"' in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html


def test_login_success_shows_agency_and_roles(client, make, db):
    user = make.user(roles=("leader", "clerk"), full_name="Trần Thị Lan")
    response = _attempt(client, user.username.upper(), Factory.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "Trần Thị Lan" in html and user.agency.name in html
    assert "Lãnh đạo" in html and "Văn thư" in html
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "user_logged_in")).one()
    assert event.actor_id == user.id


def test_session_cookie_is_http_only(client, make):
    user = make.user()
    response = _attempt(client, user.username, Factory.PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_and_unknown_user_get_the_same_message(client, make):
    user = make.user()
    for username in (user.username, "khong-ton-tai"):
        response = _attempt(client, username, "sai-mat-khau")
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous


def test_deactivated_user_cannot_log_in(client, make):
    user = make.user(active=False)
    assert _attempt(client, user.username, Factory.PASSWORD).status_code == 401


def test_five_failures_in_a_minute_make_the_username_wait(client, make):
    user = make.user()
    for _ in range(5):
        assert _attempt(client, user.username, "sai").status_code == 401
    # Even the right password waits now, and the page says for how long.
    response = _attempt(client, user.username, Factory.PASSWORD)
    assert response.status_code == 429
    assert "Vui lòng chờ" in response.get_data(as_text=True)
    api = client.post("/api/v1/auth/login", json={"username": user.username, "password": Factory.PASSWORD})
    assert api.status_code == 429 and int(api.headers["Retry-After"]) > 0


def test_one_address_guessing_many_usernames_waits_at_the_address_cap(app, client, make, monkeypatch):
    user = make.user()
    for n in range(5):
        _attempt(client, f"doan-mo-{n}", "sai")
    # Colleagues behind the same address are not locked out by one person's typos...
    assert _attempt(client, user.username, Factory.PASSWORD).status_code == 302
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(client.get("/").get_data(as_text=True))})
    # ...until the address as a whole has failed too often.
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURE_LIMIT", 8)
    for n in range(3):
        _attempt(client, f"doan-mo-{n + 5}", "sai")
    assert _attempt(client, user.username, Factory.PASSWORD).status_code == 429


def test_post_without_csrf_token_is_rejected(client, make):
    user = make.user()
    response = client.post("/dang-nhap", data={"username": user.username, "password": Factory.PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_logout_requires_post_with_token(client, make, login):
    login(make.user())
    assert client.post("/dang-xuat").status_code == 400  # no token: still logged in
    assert client.get("/").status_code == 200
    page = client.get("/").get_data(as_text=True)
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page)})
    assert client.get("/").status_code == 302


def test_change_password(client, make, login, post_form):
    user = make.user()
    login(user)
    weak = post_form("/doi-mat-khau", data={"current_password": Factory.PASSWORD,
                                             "new_password": "123", "confirm_password": "123"})
    assert "ít nhất 10 ký tự" in weak.get_data(as_text=True)
    wrong = post_form("/doi-mat-khau", data={"current_password": "sai", "new_password": "Moi-mat-khau-1",
                                              "confirm_password": "Moi-mat-khau-1"})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    done = post_form("/doi-mat-khau", data={"current_password": Factory.PASSWORD,
                                             "new_password": "Moi-mat-khau-1", "confirm_password": "Moi-mat-khau-1"})
    assert done.status_code == 302
    page = client.get("/").get_data(as_text=True)
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page)})
    assert _attempt(client, user.username, Factory.PASSWORD).status_code == 401
    assert _attempt(client, user.username, "Moi-mat-khau-1").status_code == 302


def test_user_with_temporary_password_must_change_it_first(client, make, login):
    user = make.user(must_change_password=True)
    login(user)
    response = client.get("/quan-tri/nguoi-dung")
    assert response.status_code == 302 and response.headers["Location"] == "/doi-mat-khau"


def test_open_redirect_after_login_is_refused(client, make):
    user = make.user()
    page = client.get("/dang-nhap")
    response = client.post("/dang-nhap?next=//evil.example/", data={
        "username": user.username, "password": Factory.PASSWORD,
        "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/"


def test_english_can_be_chosen(client, make, login):
    login(make.user())
    page = client.get("/").get_data(as_text=True)
    client.post("/ngon-ngu/en", data={"csrf_token": csrf_token_from(page)})
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html
