"""Every page and API answer that shows a compacted case or its document answers without a server error
for each role that reaches it (the engine state is gone; only its summary is left)."""
from flask import g

from ..conftest import csrf_token_from
from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)
from ..factories import Factory
from .test_history_compaction import _compact, archived  # noqa: F401  (fixture)

PAGES = ("/van-ban/{d}", "/van-ban/{d}/chu-ky", "/van-ban/{d}/goi-edxml", "/van-ban/{d}/ho-so-kiem-toan",
         "/van-ban/{d}/luu-ho-so", "/van-ban-di/{d}/xem-truoc", "/kiem-toan/ho-so/{i}",
         "/kiem-toan/ho-so/{i}?phat_lai=1", "/kiem-toan/ho-so/{i}/so-do.bpmn", "/ho-so/{s}", "/ho-so/{s}/xuat")
API = ("/api/v1/documents/{d}", "/api/v1/documents/{d}/signatures", "/api/v1/documents/{d}/file",
       "/api/v1/documents/{d}/preview", "/api/v1/instances/{i}", "/api/v1/dossiers/{s}",
       "/api/v1/dossiers/{s}/export")


def test_a_compacted_case_and_its_document_answer_every_role_without_a_server_error(
        app, db, make, office, archived):  # noqa: F811
    target, documents = archived
    _compact(app)
    people = [office.clerk, office.leader, make.user(agency=office.agency, roles=("admin",)),
              make.user(roles=("auditor",), province_wide=True), office.units[0][2]]
    db.session.commit()
    ids = {"d": documents[0].id, "i": documents[0].instance_id, "s": target.id}
    failures, statuses = [], []
    for person in people:
        client = app.test_client()
        for name in list(g):
            g.pop(name)
        client.post("/dang-nhap", data={"username": person.username, "password": Factory.PASSWORD,
                                        "csrf_token": csrf_token_from(client.get("/dang-nhap").get_data(as_text=True))})
        for page in PAGES:
            url = page.format(**ids)
            for name in list(g):
                g.pop(name)
            answer = client.get(url)
            statuses.append((person.username, url, answer.status_code))
            if answer.status_code >= 500 or (
                    answer.mimetype == "text/html" and "Traceback" in answer.get_data(as_text=True)):
                failures.append((person.username, url, answer.status_code))
        for name in list(g):
            g.pop(name)
        token = app.test_client().post("/api/v1/auth/login", json={"username": person.username,
                                                                   "password": Factory.PASSWORD}).get_json()
        bearer = {"Authorization": f"Bearer {token['token']}"}
        for path in API:
            url = path.format(**ids)
            for name in list(g):
                g.pop(name)
            answer = app.test_client().get(url, headers=bearer)
            statuses.append((person.username, url, answer.status_code))
            if answer.status_code >= 500:
                failures.append((person.username, url, answer.status_code))
    assert ('/kiem-toan/ho-so/%d?phat_lai=1' % ids['i'], 200) in {(u, c) for _p, u, c in statuses}
    assert failures == []
