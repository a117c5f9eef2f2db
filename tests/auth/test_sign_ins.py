"""Sign-ins end when they should: logout, password change and reset, API logout, temporary passwords."""
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import LoginSession
from app.directory.services import reset_user_password

from ..conftest import csrf_token_from
from ..factories import Factory

NEW_PASSWORD = "Hoa-sen-nở-2027"


def _open(client, path="/", method="GET", **kwargs):
    """One request in its own app context: Flask-Login caches the user in `g`, which the tests' shared
    app context would carry from one client's request to another's."""
    with client.application.app_context():
        return client.open(path, method=method, **kwargs)


def _log_in(client, user, password=Factory.PASSWORD):
    page = _open(client, "/dang-nhap").get_data(as_text=True)
    response = _open(client, "/dang-nhap", "POST", data={"username": user.username, "password": password,
                                                          "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    return client


def _log_out(client):
    page = _open(client).get_data(as_text=True)
    return _open(client, "/dang-xuat", "POST", data={"csrf_token": csrf_token_from(page)})


def _api_token(client, user, password=Factory.PASSWORD):
    response = client.post("/api/v1/auth/login", json={"username": user.username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def _me(client, token):
    return _open(client, "/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_copied_before_logout_no_longer_opens_pages(app, client, make):
    _log_in(client, make.user())
    copied = _cookie(client)
    assert _open(_with_cookie(app, copied)).status_code == 200
    _log_out(client)
    assert _open(client).status_code == 302
    assert _open(_with_cookie(app, copied)).status_code == 302


def test_logout_ends_only_this_browser(app, client, make):
    user = make.user()
    other = _log_in(app.test_client(), user)
    _log_in(client, user)
    _log_out(client)
    assert _open(client).status_code == 302
    assert _open(other).status_code == 200


def test_password_change_ends_other_sessions_and_api_tokens(app, client, make):
    user = make.user()
    token = _api_token(client, user)
    _log_in(client, user)
    elsewhere = _with_cookie(app, _cookie(client))  # the same session copied: it stays with this browser
    other = _log_in(app.test_client(), user)
    assert _open(other).status_code == 200 and _me(client, token).status_code == 200
    page = _open(client, "/doi-mat-khau").get_data(as_text=True)
    done = _open(client, "/doi-mat-khau", "POST", data={
        "current_password": Factory.PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
        "csrf_token": csrf_token_from(page)})
    assert done.status_code == 302
    assert _open(client).status_code == 200  # the browser that changed it goes on
    assert _open(elsewhere).status_code == 200
    assert _open(other).status_code == 302
    assert _me(client, token).status_code == 401


def test_administrators_reset_ends_every_sign_in(app, client, make, db):
    admin, user = make.user(roles=("admin",)), make.user()
    token = _api_token(client, user)
    _log_in(client, user)
    with app.test_request_context():
        reset_user_password(user, "Tam-thoi-8421", actor=admin)
    db.session.commit()
    assert _open(client).status_code == 302
    assert _me(client, token).status_code == 401


def test_api_logout_revokes_the_token(client, make):
    user = make.user()
    token, other_token = _api_token(client, user), _api_token(client, user)
    response = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert _me(client, token).status_code == 401
    assert _me(client, other_token).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_api_logout_is_open_to_auditors(client, make):
    token = _api_token(client, make.user(roles=("auditor",)))
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204


def test_api_refuses_a_temporary_password(client, make, db):
    user = make.user()
    token = _api_token(client, user)
    user.must_change_password = True
    db.session.commit()
    refused = client.post("/api/v1/auth/login", json={"username": user.username, "password": Factory.PASSWORD})
    assert refused.status_code == 403 and "token" not in refused.get_json()
    assert "đổi mật khẩu" in refused.get_json()["error"]["message"]
    held = _me(client, token)
    assert held.status_code == 403 and "đổi mật khẩu" in held.get_json()["error"]["message"]


def test_openapi_documents_api_logout(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/auth/logout"]


def test_a_session_past_its_age_ends_and_is_swept(app, client, make, db):
    user = make.user()
    _log_in(client, user)
    for row in db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)):
        row.created_at -= timedelta(days=app.config["LOGIN_SESSION_MAX_DAYS"], seconds=1)
    db.session.commit()
    assert _open(client).status_code == 302
    _log_in(app.test_client(), user)
    assert db.session.scalar(select(func.count()).select_from(LoginSession)
                             .where(LoginSession.user_id == user.id)) == 1
