"""Auditors change nothing: every page and API request that is not a read is refused before any view runs."""
import pytest

from ..conftest import csrf_token_from
from ..factories import Factory

# Routes a read-only person may still post to: their own session and password.
OPEN = {"auth.login", "auth.logout", "auth.change_password_page", "api.api_login", "api.api_logout",
        "api.replay_instance"}


def _write_rules(app):
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OPEN or rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            rules.append((method, rule))
    return rules


def _url(rule) -> str:
    values = {name: ("1" if name not in ("task_uuid", "task_id", "session_id", "process_id") else "x")
              for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def auditor(make):
    return make.user(roles=("auditor",), province_wide=True)


def test_every_write_route_refuses_an_auditor_on_the_pages(app, auditor, login, client):
    login(auditor)
    token = csrf_token_from(client.get("/doi-mat-khau").get_data(as_text=True))
    rules = [(m, r) for m, r in _write_rules(app) if not r.rule.startswith("/api/")]
    assert len(rules) >= 20
    for method, rule in rules:
        response = client.open(_url(rule), method=method, data={"csrf_token": token})
        assert response.status_code == 403, (method, rule.rule, response.status_code)
        assert "Tài khoản kiểm toán chỉ được xem" in response.get_data(as_text=True), rule.rule
    assert client.get("/van-ban-den").status_code == 200  # reading stays open


def test_every_write_route_refuses_an_auditor_on_the_api(app, auditor, client):
    token = client.post("/api/v1/auth/login", json={"username": auditor.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    rules = [(m, r) for m, r in _write_rules(app) if r.rule.startswith("/api/")]
    assert len(rules) >= 6
    for method, rule in rules:
        response = client.open(_url(rule), method=method, json={}, headers=headers)
        assert response.status_code == 403, (method, rule.rule, response.status_code)
        assert response.get_json()["error"]["message"] == "Tài khoản kiểm toán chỉ được xem, không được thay đổi dữ liệu."
    assert client.get("/api/v1/documents", headers=headers).status_code == 200


def test_a_person_with_another_role_beside_auditor_is_not_read_only(make):
    from app.auth.read_only import is_read_only

    assert is_read_only(make.user(roles=("auditor",)))
    assert not is_read_only(make.user(roles=("auditor", "clerk")))


def test_an_auditor_scoped_to_one_agency_sees_nothing_of_another(app, make, login, client, deployed):
    import io

    from app.documents.metadata import parse_metadata
    from app.documents.receiving import receive_document
    from app.filestore import store_pdf

    from ..documents.conftest import metadata_values
    from ..pdf_samples import minimal_pdf

    own, other = make.agency(), make.agency()
    stored = store_pdf(io.BytesIO(minimal_pdf()), "cv.pdf", files_dir=app.config["FILES_DIR"], max_bytes=1 << 20)
    with app.test_request_context():
        mine = receive_document(agency_id=own.id, metadata=parse_metadata(metadata_values(number="1")),
                                main_file=stored).document
        theirs = receive_document(agency_id=other.id, metadata=parse_metadata(metadata_values(number="2")),
                                  main_file=stored).document
    login(make.user(agency=own, roles=("auditor",)))
    assert client.get(f"/van-ban/{mine.id}").status_code == 200
    assert client.get(f"/van-ban/{theirs.id}").status_code == 404
    assert client.get(f"/van-ban/{theirs.id}/chu-ky").status_code == 404


def test_the_api_judges_its_token_never_a_cookie_of_the_same_client(app, auditor, make, login, client):
    """The API never signs in by cookie: an auditor's page session on the same client does not refuse a clerk's
    token (nor is it loaded for API requests), while the pages still refuse the auditor."""
    clerk = make.user(roles=("clerk",))
    token = client.post("/api/v1/auth/login", json={"username": clerk.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    login(auditor)
    response = client.post("/api/v1/documents/incoming", json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code != 403, response.get_json()
    assert client.post("/van-ban-den/1/xoa").status_code == 403
