"""Secrecy as one rule for cases: those who may not see a secret document see "Văn bản mật" and nothing of
its number or subject in lists, exports and the API, and may not hand its tasks on (issue 13, defects 2–3)."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from ..conftest import csrf_token_from
from ..factories import bearer_headers

SECRET_SUBJECT = "Kế hoạch bảo vệ bí mật nhà nước năm nay"




@pytest.fixture
def secret_case(db, office, bring_in):
    """A secret document registered by the clerk, waiting for the leader's Phân công."""
    document = bring_in(office, secrecy="1", subject=SECRET_SUBJECT, number="77", notation="KH-MAT").document
    register = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    complete_task(register.task_uuid, {"route": "leader"}, actor=office.clerk)
    assign = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()
    assert assign.spec_id == "assign"
    return document, assign


def test_the_agency_task_list_hides_a_secret_subject_and_offers_no_hand_on(client, login, office, secret_case):
    head = office.units[0][1]  # a unit head: not given work on the secret document
    page = login(head).get("/viec-cua-co-quan").get_data(as_text=True)
    assert "Văn bản mật" in page
    assert SECRET_SUBJECT not in page and "KH-MAT" not in page
    assert "— Chọn người nhận —" not in page


def test_a_unit_head_cannot_take_over_the_leaders_phan_cong_on_a_secret_document(client, login, db, office,
                                                                               secret_case):
    _document, assign = secret_case
    head = office.units[0][1]
    page = login(head).get("/viec-cua-co-quan").get_data(as_text=True)
    response = client.post(f"/cong-viec/{assign.task_uuid}/giao-lai", follow_redirects=True,
                           data={"csrf_token": csrf_token_from(page), "user_id": head.id})
    assert "Bạn không được giao lại công việc này." in response.get_data(as_text=True)
    db.session.refresh(assign)
    assert assign.assigned_user_id != head.id
    assert client.post(f"/cong-viec/{assign.task_uuid}", data={"csrf_token": csrf_token_from(page),
                                                                "lead_department_id": "1"}).status_code == 302
    db.session.refresh(assign)
    assert db.session.get(HumanTask, assign.id) is not None  # still waiting for the leader


def test_the_api_answers_404_for_a_secret_case_and_its_replay(client, office, secret_case):
    document, _assign = secret_case
    specialist = office.units[0][2]
    headers = bearer_headers(client, specialist)
    assert client.get(f"/api/v1/instances/{document.instance_id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/instances/{document.instance_id}/replay", headers=headers).status_code == 404
    leader = client.get(f"/api/v1/instances/{document.instance_id}", headers=bearer_headers(client, office.leader))
    assert leader.status_code == 200 and SECRET_SUBJECT in leader.get_json()["title"]


def test_a_secret_case_opens_in_pinned_statements_and_is_audited(client, db, office, secret_case,
                                                                  count_queries):
    """The token, then the instance with its version and its document as the reader sees it (one statement
    for both rules), the open tasks and the history; the leader's opening is appended to the audit chain
    (PostgreSQL in one statement, SQLite in three). Refused: the token and that one statement."""
    document, _assign = secret_case
    leader, specialist = bearer_headers(client, office.leader), bearer_headers(client, office.units[0][2])
    appended = {"sqlite": 3, "postgresql": 1}[db.session.get_bind().dialect.name]
    path, document_id = f"/api/v1/instances/{document.instance_id}", str(document.id)
    db.session.expunge_all()
    with count_queries() as seen:
        answer = client.get(path, headers=leader)
    assert answer.status_code == 200 and len(seen.statements) == 4 + appended, "\n".join(seen.statements)
    db.session.expunge_all()
    with count_queries() as seen:
        assert client.get(path, headers=specialist).status_code == 404
    assert len(seen.statements) == 2, "\n".join(seen.statements)
    opened = db.session.scalars(select(AuditEvent.subject_id).where(AuditEvent.event_type == "secret_document_opened"))
    assert list(opened) == [document_id]


def test_auditors_lists_and_event_exports_hide_secret_subjects(client, login, make, office, secret_case):
    auditor = make.user(agency=office.agency, roles=("auditor",))
    login(auditor)
    cases = client.get("/kiem-toan/ho-so").get_data(as_text=True)
    assert "Văn bản mật" in cases and SECRET_SUBJECT not in cases
    csv = client.get("/kiem-toan/su-kien.csv").get_data(as_text=True)
    assert "document_received" in csv and SECRET_SUBJECT not in csv and "KH-MAT" not in csv
