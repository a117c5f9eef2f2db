"""Trang chủ per role: my tasks by urgency and deadline, what the role looks after, and no secret subject
shown to anyone who may not see it; the request reads a fixed number of statements."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import g
from sqlalchemy import select

from app.audit.models import ReplayCheck
from app.designer.drafts import save_diagram
from app.designer.test_runs import start_test_run
from app.directory.delegation import create_delegation
from app.documents.models import Document
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.deployment import latest_version
from app.workflow.models import HumanTask, Incident, ProcessInstance
from app.workflow.runtime import complete_task

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)

SECRET_SUBJECT = "V/v phương án bảo vệ bí mật nhà nước năm 2027"


def _task_of(db, document) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()


def _registered(office, bring_in, db, **overrides):  # noqa: F811
    document = bring_in(office, **overrides).document
    complete_task(_task_of(db, document).task_uuid, {"route": "leader"}, actor=office.clerk)
    return document


def _section(page: str, heading_id: str) -> str:
    """The HTML of the card whose heading has this id."""
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def _menu(page: str) -> str:
    return page[page.index('id="side-menu"'):page.index("</nav>", page.index('id="side-menu"'))]


def test_clerk_starts_the_day_with_tasks_and_documents_to_receive(office, bring_in, login, client, db):  # noqa: F811
    document = bring_in(office, urgency="3").document
    task = _task_of(db, document)
    task.due_at = datetime.now(timezone.utc) - timedelta(days=2)
    db.session.flush()
    login(office.clerk)
    page = client.get("/").get_data(as_text=True)
    assert "sẽ xuất hiện tại đây" not in page
    mine = _section(page, "my-tasks")
    assert task.title in mine and "Hỏa tốc" in mine
    assert "list-group-item-danger" in mine and "Quá hạn 2 ngày" in mine
    assert re.search(r'id="tasks-overdue">\s*<span class="card-body py-2">\s*<span[^>]*>1<', page)
    waiting = _section(page, "to-receive")
    assert document.symbol in waiting and "/van-ban-den?status=01" in waiting
    assert "Sổ văn bản" in _menu(page)
    assert 'id="agency-watch"' not in page and 'id="design-work"' not in page


def test_a_task_due_this_week_is_marked_and_one_later_is_not(office, bring_in, login, client, db):  # noqa: F811
    soon, later = bring_in(office, number="1").document, bring_in(office, number="2").document
    _task_of(db, soon).due_at = datetime.now(timezone.utc) + timedelta(minutes=5)
    _task_of(db, later).due_at = datetime.now(timezone.utc) + timedelta(days=30)
    db.session.flush()
    login(office.clerk)
    mine = _section(client.get("/").get_data(as_text=True), "my-tasks")
    assert mine.count("text-warning-emphasis") == 1 and mine.count("text-muted\">Hạn ") == 1


def test_leader_sees_the_agency_counts_with_links_to_the_lists(office, bring_in, login, client, db):  # noqa: F811
    _registered(office, bring_in, db, number="1")
    late = _registered(office, bring_in, db, number="2")
    late.status_code, late.due_date = "05", vietnam_today() - timedelta(days=3)
    db.session.flush()
    login(office.leader)
    watch = _section(client.get("/").get_data(as_text=True), "agency-watch")
    assert re.search(r'href="/van-ban-den\?status=03" id="agency-waiting">\s*<span[^>]*>\s*<span[^>]*>1<', watch)
    assert re.search(r'href="/van-ban-den\?overdue=1" id="agency-overdue">\s*<span[^>]*>\s*<span[^>]*>1<', watch)
    assert "/van-ban-den/theo-doi" in watch and "/viec-cua-co-quan" in watch


def test_unit_head_sees_the_agency_card(office, login, client):  # noqa: F811
    login(office.units[0][1])
    page = client.get("/").get_data(as_text=True)
    assert 'id="agency-watch"' in page and 'id="to-receive"' not in page


def test_specialist_sees_only_their_tasks(office, login, client):  # noqa: F811
    login(office.units[0][2])
    page = client.get("/").get_data(as_text=True)
    assert 'id="my-tasks"' in page and "Không có việc nào đang chờ bạn" in page
    for card in ("agency-watch", "to-receive", "design-work", "audit-state", "administration"):
        assert f'id="{card}"' not in page
    assert "Sổ văn bản" not in _menu(page)


def test_a_secret_subject_shows_to_the_person_given_it_with_its_mark(office, bring_in, login, client, db):  # noqa: F811
    _registered(office, bring_in, db, secrecy="1", subject=SECRET_SUBJECT)
    login(office.leader)  # given the work: a participant
    mine = _section(client.get("/").get_data(as_text=True), "my-tasks")
    assert SECRET_SUBJECT in mine and '<span class="badge text-bg-dark">Mật</span>' in mine


def test_a_secret_subject_never_reaches_a_delegate_not_given_it(office, bring_in, login, client, db):  # noqa: F811
    _department, _head, specialist = office.units[0]
    create_delegation(actor=office.leader, delegator=office.leader, delegate=specialist, role="leader",
                      starts_on=vietnam_today(), ends_on=vietnam_today())
    _registered(office, bring_in, db, secrecy="1", subject=SECRET_SUBJECT)
    login(specialist)  # holds the leader's task by delegation, but was never given the document
    page = client.get("/").get_data(as_text=True)
    assert "Văn bản mật" in _section(page, "my-tasks") and SECRET_SUBJECT not in page
    inbox = client.get("/viec-cua-toi").get_data(as_text=True)
    assert "Văn bản mật" in inbox and SECRET_SUBJECT not in inbox


def test_inbox_marks_secret_documents_for_those_who_may_see_them(office, bring_in, login, client, db):  # noqa: F811
    _registered(office, bring_in, db, secrecy="1", subject=SECRET_SUBJECT)
    login(office.leader)
    inbox = client.get("/viec-cua-toi").get_data(as_text=True)
    assert SECRET_SUBJECT in inbox and '<span class="badge text-bg-dark">Mật</span>' in inbox


def test_agency_task_list_marks_overdue_tasks(office, bring_in, login, client, db):  # noqa: F811
    late = _task_of(db, bring_in(office, number="1").document)
    late.due_at = datetime.now(timezone.utc) - timedelta(days=3)
    _task_of(db, bring_in(office, number="2").document).due_at = datetime.now(timezone.utc) + timedelta(days=3)
    db.session.flush()
    login(office.leader)
    page = client.get("/viec-cua-co-quan").get_data(as_text=True)
    assert page.count('class="table-danger"') == 1 and "Quá hạn 3 ngày" in page


def test_designer_sees_drafts_and_own_test_runs(app, deployed, make, login, client, db):
    designer = make.user(roles=("designer",), province_wide=True)
    process_id = "incoming_document"
    with app.test_request_context():
        save_diagram(process_id, latest_version(process_id).bpmn_xml, actor=designer, lock_version=None)
        run = start_test_run(process_id, actor=designer, start_data='{"document_id": 0, "origin": "paper", "secrecy": 0}')
    login(designer)
    work = _section(client.get("/").get_data(as_text=True), "design-work")
    assert f"/thiet-ke/{process_id}\"" in work and f"/thiet-ke/chay-thu/{run.id}\"" in work
    assert "Không có bản nháp nào" not in work


def test_auditor_sees_replay_mismatches_and_anchor_state(office, bring_in, make, login, client, db):  # noqa: F811
    document = bring_in(office).document
    db.session.add(ReplayCheck(instance_id=document.instance_id, checked_at=utcnow(), matches=False, events=3))
    db.session.flush()
    auditor = make.user(roles=("auditor",), province_wide=True)
    login(auditor)
    page = client.get("/").get_data(as_text=True)
    audit = _section(page, "audit-state")
    assert "1 hồ sơ phát lại không khớp" in audit and "phat_lai=khong-khop" in audit
    assert "chưa được neo" in audit and "/so-van-ban/den" in audit
    assert "Sổ văn bản" in _menu(page)


def test_auditor_of_another_agency_sees_no_replay_outside_their_scope(office, bring_in, make, login, client,  # noqa: F811
                                                                       db):
    document = bring_in(office).document
    db.session.add(ReplayCheck(instance_id=document.instance_id, checked_at=utcnow(), matches=False, events=3))
    db.session.flush()
    login(make.user(agency=make.agency(), roles=("auditor",)))
    assert "Chưa phát lại hồ sơ nào" in _section(client.get("/").get_data(as_text=True), "audit-state")


def test_admin_sees_shortcuts_and_failed_cases(office, bring_in, make, login, client, db):  # noqa: F811
    document = bring_in(office).document
    instance = db.session.get(ProcessInstance, document.instance_id)
    instance.status = "error"
    db.session.add(Incident(agency_id=instance.agency_id, instance_id=instance.id, process_id=instance.process_id,
                            kind="permanent", message="Dịch vụ báo lỗi."))
    db.session.flush()
    admin = make.user(roles=("admin",), province_wide=True)
    login(admin)
    page = client.get("/").get_data(as_text=True)
    admin_card = _section(page, "administration")
    assert "/quan-tri/nguoi-dung" in admin_card or "Người dùng" in admin_card
    assert "Sự cố quy trình (1)" in admin_card and "btn-outline-danger" in admin_card
    assert "Sổ văn bản" not in _menu(page)


# Statements of GET / for a clerk and a leader whatever their inbox holds: the session user, the delegations
# in force (for my tasks), my first tasks with their cases, the secrecy marks (one query, two more when a
# secret subject is on the page, as here), the task counts (the menu's badge too), the role's two (clerk:
# documents to receive and their count; leader: the agency's documents and overdue tasks), the banner's
# delegations, the header's agency and its bell (one COUNT of my unread notices), my newest unread notices
# (none here: their lookups are pinned in tests/notifications/test_pages.py).
HOME_STATEMENTS = {"clerk": 13, "leader": 13}


@pytest.mark.parametrize("role", ("clerk", "leader"))
def test_home_page_reads_a_fixed_number_of_statements(role, office, bring_in, login, client, db,  # noqa: F811
                                                      count_queries):
    def statements() -> list[str]:
        # As a fresh request: nothing in the session, the signed-in user not yet loaded.
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as counted:
            assert client.get("/").status_code == 200
        return counted.statements

    person = getattr(office, role)
    for number in range(3):
        document = bring_in(office, number=str(number + 1), secrecy="1" if number == 0 else "0").document
        if role == "leader":
            complete_task(_task_of(db, document).task_uuid, {"route": "leader"}, actor=office.clerk)
    login(person)
    few = statements()
    for name in ("agency", "clerk", "leader"):  # back in the session, to bring more documents in
        setattr(office, name, db.session.merge(getattr(office, name), load=False))
    for number in range(3, 9):
        document = bring_in(office, number=str(number + 1)).document
        if role == "leader":
            complete_task(_task_of(db, document).task_uuid, {"route": "leader"}, actor=office.clerk)
    assert len(statements()) == len(few)
    assert len(few) == HOME_STATEMENTS[role], "\n".join(few)
    assert db.session.scalar(select(Document.id).where(Document.secrecy == 1)) is not None
