"""The notification centre and the navbar's bell: own notices only, secret subjects never shown."""
from types import SimpleNamespace

from flask import g
from sqlalchemy import select

from app.notifications.models import NEW_TASK, REMINDER, Notification
from app.notifications.services import notify, unread_count

from ..conftest import csrf_token_from

SUBJECT = "V/v báo cáo tình hình thực hiện cải cách hành chính quý IV"


def _notice(db, user, kind=NEW_TASK, **details) -> Notification:
    notify(user.id, kind, **details)
    db.session.flush()
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id.desc())).first()


def test_the_centre_shows_my_notices_with_subjects_only_through_the_access_rule(office, bring_in, db, login, client):
    ordinary = bring_in(office).document
    secret = bring_in(office, number="7", secrecy="1", subject="Kế hoạch mật về nhân sự").document
    specialist = office.units[0][2]
    _notice(db, specialist, document_id=ordinary.id)
    _notice(db, specialist, REMINDER, document_id=secret.id, actor=office.leader, note="Khẩn trương")
    _notice(db, office.leader, document_id=ordinary.id)  # someone else's
    login(specialist)
    html = client.get("/thong-bao").get_data(as_text=True)
    assert SUBJECT in html
    assert "Kế hoạch mật" not in html  # a secret document the specialist may not open: "Văn bản"
    assert "đôn đốc xử lý văn bản. Khẩn trương" in html
    assert html.count('href="/thong-bao/') == 2
    assert 'aria-label="Thông báo: 2 chưa đọc"' in html
    # The clerk who registered it may open the secret document, yet a list never shows its subject.
    _notice(db, office.clerk, document_id=secret.id, actor=office.leader)
    client.post("/dang-xuat", data={"csrf_token": csrf_token_from(html)})
    login(office.clerk)
    html = client.get("/thong-bao").get_data(as_text=True)
    assert "Kế hoạch mật" not in html and "Văn bản mật" in html


def test_opening_a_notice_marks_it_read_and_another_users_notice_is_not_found(office, bring_in, db, login, client):
    document = bring_in(office).document
    specialist = office.units[0][2]
    mine = _notice(db, specialist, document_id=document.id)
    theirs = _notice(db, office.leader, document_id=document.id)
    login(specialist)
    assert client.get(f"/thong-bao/{theirs.id}").status_code == 404
    assert theirs.read_at is None
    opened = client.get(f"/thong-bao/{mine.id}")
    assert opened.status_code == 302 and opened.location.endswith(f"/van-ban/{document.id}")
    db.session.refresh(mine)
    assert mine.read_at is not None
    assert client.get("/thong-bao/99999999").status_code == 404
    # A document the reader may not read (a secret one not given to them) leads back to the centre.
    secret = bring_in(office, number="7", secrecy="1").document
    hidden = _notice(db, specialist, REMINDER, document_id=secret.id, actor=office.leader)
    assert client.get(f"/thong-bao/{hidden.id}").location.endswith("/thong-bao")


def test_a_task_notice_leads_to_the_task_while_it_is_mine(office, bring_in, db, login, client, notices):
    from .test_events import handled_by_specialist

    document = bring_in(office).document
    handle = handled_by_specialist(db, office, document)
    specialist = office.units[0][2]
    notice = db.session.scalars(select(Notification).where(Notification.user_id == specialist.id)).one()
    login(specialist)
    assert client.get(f"/thong-bao/{notice.id}").location.endswith(f"/cong-viec/{handle.task_uuid}")


def test_mark_all_read_touches_only_my_notices(office, bring_in, db, login, client):
    document = bring_in(office).document
    specialist = office.units[0][2]
    _notice(db, specialist, document_id=document.id)
    _notice(db, office.leader, document_id=document.id)
    login(specialist)
    page = client.get("/thong-bao").get_data(as_text=True)
    answer = client.post("/thong-bao/da-doc", data={"csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert "Đã đánh dấu 1 thông báo là đã đọc." in answer.get_data(as_text=True)
    assert unread_count(specialist) == 0 and unread_count(office.leader) == 1


def test_the_bell_costs_one_statement(office, db, login, client, count_queries):
    login(office.clerk)
    client.get("/thong-bao")

    def statements(path):
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return counted.statements

    bell = [s for s in statements("/thong-bao") if "notification.read_at IS NULL" in s]
    assert len(bell) == 1, bell
    # The whole centre page: the session user, the bell, the menu's task count, the page's count and rows,
    # the header's agency.
    few = len(statements("/thong-bao"))
    for number in range(30):
        notify(office.clerk.id, NEW_TASK, dedupe_key=f"k{number}")
    db.session.flush()
    assert len(statements("/thong-bao")) == few


def test_home_lists_my_newest_unread_notices_in_a_fixed_number_of_statements(office, bring_in, db, login, client,
                                                                             count_queries):
    from .test_events import handled_by_specialist

    ordinary = bring_in(office).document
    secret = bring_in(office, number="7", secrecy="1", subject="Kế hoạch mật về nhân sự").document
    handle = handled_by_specialist(db, office, ordinary)  # a new-task notice with its task
    specialist = office.units[0][2]
    _notice(db, specialist, REMINDER, document_id=secret.id, actor=office.leader, note="Khẩn trương")
    ids = {"specialist": specialist.id, "head": SimpleNamespace(id=office.units[0][1].id), "document": ordinary.id,
           "task": handle.task_uuid}
    login(specialist)

    def statements():
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as counted:
            page = client.get("/")
        assert page.status_code == 200
        return len(counted.statements), page.get_data(as_text=True)

    few, html = statements()
    assert "Thông báo mới" in html and "Khẩn trương" in html and "Kế hoạch mật" not in html
    for number in range(20):
        notify(ids["specialist"], REMINDER, document_id=ids["document"], task_uuid=ids["task"], actor=ids["head"],
               dedupe_key=f"r{number}")
    db.session.flush()
    many, html = statements()
    assert many == few  # the page's notices with a document, an actor and a task each: one lookup for each kind and html.count("home-notice") == 5
