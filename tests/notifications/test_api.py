"""GET /api/v1/notifications and POST …/<id>/read: my notices only, the access rule on subjects."""
from app.notifications.models import NEW_TASK, REMINDER
from app.notifications.services import notify, unread_count

from ..factories import bearer_headers
from .test_pages import SUBJECT, _notice


def test_the_api_lists_and_reads_only_my_notices(app, office, bring_in, db, client):
    ordinary = bring_in(office).document
    secret = bring_in(office, number="7", secrecy="1", subject="Kế hoạch mật về nhân sự").document
    specialist = office.units[0][2]
    mine = _notice(db, specialist, document_id=ordinary.id)
    _notice(db, specialist, REMINDER, document_id=secret.id, actor=office.leader, note="Khẩn trương")
    theirs = _notice(db, office.leader, document_id=ordinary.id)
    headers = bearer_headers(client, specialist)
    listed = client.get("/api/v1/notifications", headers=headers).get_json()
    assert listed["total"] == 2
    assert [item["kind"] for item in listed["items"]] == [REMINDER, NEW_TASK]
    assert listed["items"][1]["subject"] == SUBJECT
    assert "Kế hoạch mật" not in str(listed)
    assert client.post(f"/api/v1/notifications/{theirs.id}/read", headers=headers).status_code == 404
    assert unread_count(office.leader) == 1
    read = client.post(f"/api/v1/notifications/{mine.id}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    assert unread_count(specialist) == 1
    assert client.get("/api/v1/notifications?per_page=100000", headers=headers).status_code == 400
    notify(specialist.id, NEW_TASK, dedupe_key="x")
    assert client.get("/api/v1/notifications", headers=headers).get_json()["total"] == 3


def test_the_openapi_document_declares_the_notifications(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/notifications" in paths and "/api/v1/notifications/{notice_id}/read" in paths
