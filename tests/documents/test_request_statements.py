"""What one request costs, pinned: SQL statements and engine-state loads per task completion, through the
web form and the API, on each database. The completion path's design (lock and load once, pipelined
writes: README) holds only while these hold; a change that adds a statement must say why here."""
import pytest
from sqlalchemy import select

from app.workflow.models import HumanTask

from ..conftest import csrf_token_from
from ..factories import Factory

# Every statement of the request from a fresh session (the token with its user and roles, the task lock, the picker's
# departments, the Vào sổ operator's book, number and document write (one UPDATE, the deadline with it), its
# status step (one INSERT, the trail unread) and its events, the index, the state, the audit events, appended
# together at the commit, in one statement on PostgreSQL: app.audit.chain), by database: PostgreSQL sends a new
# inbox row with its candidates and participants as one statement, SQLite as three. The answer's instance is
# read before the commit (no statement), and so is the document the web answer's filing offer reads: the
# operators' context (OperatorContext.kept) holds it for the request. The agency has no books yet:
# PostgreSQL's one-statement number finds none and the books are made and read as on SQLite. The API answer
# also reads the case's open tasks after the step (one statement). PostgreSQL deletes the inbox row the step
# drops inside the instance's UPDATE (instance_state.saved).
API_COMPLETION = {"sqlite": 24, "postgresql": 15}
WEB_COMPLETION = {"sqlite": 19, "postgresql": 13}


def _register_task(db, document):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id)).one()


@pytest.fixture
def api_headers(client, office):
    token = client.post("/api/v1/auth/login", json={"username": office.clerk.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_an_api_completion_loads_the_state_once(client, db, office, bring_in, api_headers, count_queries):
    task_uuid = _register_task(db, bring_in(office).document).task_uuid
    assert client.get(f"/api/v1/tasks/{task_uuid}", headers=api_headers).status_code == 200  # as a client reads it
    db.session.expunge_all()  # the test client's requests share the test's session: start as a request does
    with count_queries() as counted:
        done = client.post(f"/api/v1/tasks/{task_uuid}", headers=api_headers, json={"route": "leader"})
    assert done.status_code == 200
    assert counted.state_loads == 1
    assert len(counted.statements) == API_COMPLETION[db.session.get_bind().dialect.name], counted.statements


def test_a_web_completion_loads_the_state_once(client, login, db, office, bring_in, count_queries):
    task_uuid = _register_task(db, bring_in(office).document).task_uuid
    login(office.clerk)
    page = client.get(f"/cong-viec/{task_uuid}").get_data(as_text=True)
    db.session.expunge_all()  # the test client's requests share the test's session: start as a request does
    with count_queries() as counted:
        done = client.post(f"/cong-viec/{task_uuid}", data={"csrf_token": csrf_token_from(page), "route": "leader"})
    assert done.status_code == 302
    assert counted.state_loads == 1
    assert len(counted.statements) == WEB_COMPLETION[db.session.get_bind().dialect.name], counted.statements
