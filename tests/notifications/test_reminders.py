"""Đôn đốc: a leader chases an overdue document's handlers; it reaches their notices and the document's
history; every refusal writes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text, update

from app.audit.models import AuditEvent
from app.documents.models import DocumentNote
from app.notifications.models import REMINDER, Notification
from app.notifications.reminders import ReminderRefused, remind_handlers
from app.sqltypes import utcnow
from app.workflow.models import HumanTask

from ..conftest import csrf_token_from
from .test_events import handled_by_specialist


def _overdue(db, task):
    db.session.execute(update(HumanTask).where(HumanTask.id == task.id).values(due_at=utcnow() - timedelta(days=2)))
    db.session.expire_all()


def _written(db):
    return (db.session.scalar(select(func.count()).select_from(DocumentNote).where(DocumentNote.kind == "reminder")),
            db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == REMINDER)),
            db.session.execute(text("SELECT seq FROM audit_chain_head")).scalar())


def test_a_reminder_reaches_the_handler_and_the_document_history(office, bring_in, db, login, client, notices):
    document = bring_in(office).document
    _overdue(db, handled_by_specialist(db, office, document))
    specialist = office.units[0][2]
    login(office.leader)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Đôn đốc" in page and "Lần đôn đốc gần nhất" not in page
    sent = client.post(f"/van-ban/{document.id}/don-doc",
                       data={"csrf_token": csrf_token_from(page), "message": "Đề nghị hoàn thành trước 16 giờ."})
    assert sent.status_code == 302
    assert notices(kind=REMINDER) == [(specialist.id, REMINDER, document.id)]
    assert db.session.scalars(select(Notification.note).where(Notification.kind == REMINDER)).one() == (
        "Đề nghị hoàn thành trước 16 giờ.")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_reminded")).one()
    assert event.actor_id == office.leader.id and event.data["handlers"] == [specialist.id]
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Lần đôn đốc gần nhất" in page
    timeline = page[page.index("Quá trình xử lý"):]
    assert "Đôn đốc" in timeline and "Đề nghị hoàn thành trước 16 giờ." in timeline
    # Twice in a row is allowed: each is kept and told.
    client.post(f"/van-ban/{document.id}/don-doc", data={"csrf_token": csrf_token_from(page), "message": ""})
    assert len(notices(kind=REMINDER)) == 2
    # The handler sees it in their notification centre.
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(page)})
    login(specialist)
    assert "đôn đốc xử lý văn bản. Đề nghị hoàn thành trước 16 giờ." in client.get("/thong-bao").get_data(as_text=True)


def test_refusals_write_nothing(office, bring_in, db, make, login, client):
    document = bring_in(office).document
    handle = handled_by_specialist(db, office, document)
    before = _written(db)
    with pytest.raises(ReminderRefused, match="chưa quá hạn"):
        remind_handlers(document.id, "", actor=office.leader)
    _overdue(db, handle)
    with pytest.raises(ReminderRefused, match="tối đa 500 ký tự"):
        remind_handlers(document.id, "x" * 501, actor=office.leader)
    stranger = make.user(agency=make.agency(name="Sở khác", short_name="SK"), roles=("leader",))
    with pytest.raises(ReminderRefused, match="Không tìm thấy văn bản"):
        remind_handlers(document.id, "", actor=stranger)
    other_head = office.units[1][1]
    with pytest.raises(ReminderRefused, match="đơn vị mình"):
        remind_handlers(document.id, "", actor=other_head)
    with pytest.raises(ReminderRefused, match="lãnh đạo"):
        remind_handlers(document.id, "", actor=office.units[0][2])
    secret = bring_in(office, number="8", secrecy="1").document
    db.session.execute(update(HumanTask).where(HumanTask.instance_id == secret.instance_id)
                       .values(due_at=utcnow() - timedelta(days=1)))
    with pytest.raises(ReminderRefused, match="Không tìm thấy văn bản"):
        remind_handlers(secret.id, "", actor=office.leader)  # not given work on it: may not open it
    unheld = bring_in(office, number="9").document
    db.session.execute(update(HumanTask).where(HumanTask.instance_id == unheld.instance_id)
                       .values(due_at=utcnow() - timedelta(days=1), assigned_user_id=None))
    with pytest.raises(ReminderRefused, match="chưa có người đang xử lý"):
        remind_handlers(unheld.id, "", actor=office.leader)
    assert _written(db)[:2] == before[:2]
    # The lead unit's head may chase it.
    assert remind_handlers(document.id, "", actor=office.units[0][1]) == [office.units[0][2].id]


def test_a_refusal_through_the_page_is_said_in_vietnamese(office, bring_in, db, login, client):
    document = bring_in(office).document
    handled_by_specialist(db, office, document)
    login(office.leader)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    before = _written(db)
    answer = client.post(f"/van-ban/{document.id}/don-doc", data={"csrf_token": csrf_token_from(page)},
                         follow_redirects=True).get_data(as_text=True)
    assert "Văn bản chưa quá hạn xử lý; chưa cần đôn đốc." in answer
    assert _written(db) == before
