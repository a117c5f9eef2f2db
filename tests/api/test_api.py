"""Health check, API login and tokens, error shape, the OpenAPI document."""
import re

from app import create_app
from app.api.openapi import openapi_document

from ..factories import Factory


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path):
    # A real connection attempt to a port nothing listens on.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                      "SECRET_KEY": "k", "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def _api_login(client, username, password):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def test_api_login_gives_a_token_that_opens_me(client, make):
    user = make.user(roles=("leader",))
    response = _api_login(client, user.username, Factory.PASSWORD)
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["user"]["username"] == user.username
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["roles"] == ["leader"]
    assert me.get_json()["agency"]["code"] == user.agency.code


def test_api_rejects_bad_credentials_and_missing_token(client, make):
    user = make.user()
    bad = _api_login(client, user.username, "sai-mat-khau")
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "unauthorized"
    assert bad.get_json()["error"]["message"] == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_api_validation_errors_name_the_fields(client):
    response = client.post("/api/v1/auth/login", json={"username": "x"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"password"}
    assert client.post("/api/v1/auth/login", data="not json").status_code == 400


def test_api_does_not_accept_the_session_cookie(client, make, login):
    user = make.user()
    login(user)
    assert client.get("/api/v1/me").status_code == 401


def test_deactivated_users_token_stops_working(client, make, db):
    user = make.user()
    token = _api_login(client, user.username, Factory.PASSWORD).get_json()["token"]
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_documents_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = set(document["paths"])
    routed = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.rule.startswith(("/api/", "/healthz"))}
    assert routed == documented
    assert document == openapi_document(app)
    assert "401" in document["paths"]["/api/v1/me"]["get"]["responses"]
