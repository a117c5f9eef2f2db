"""What issuing an outgoing document costs, pinned: SQL statements per API completion of the clerk's step
(number, seal, then the release to each recipient inside the installation), on each database."""
import pytest

from app.documents.numbering import ensure_default_books

from ..factories import Factory
from .outgoing_setup import approve_reviews, make_sender, sign, start_draft, task_of


@pytest.fixture
def sender(app, make, deployed):
    sender = make_sender(app, make)
    ensure_default_books(sender.agency.id)  # as every agency has once it has issued or registered anything
    return sender


def _issued_statements(app, client, db, sender, count_queries, **draft) -> list[str]:
    instance_id = start_draft(app, db, sender, **draft)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    task_uuid = task_of(db, instance_id, "issue").task_uuid
    token = client.post("/api/v1/auth/login", json={"username": sender.clerk.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/tasks/{task_uuid}", headers=headers).status_code == 200  # the forms, read once
    db.session.expunge_all()
    with count_queries() as counted:
        issued = client.post(f"/api/v1/tasks/{task_uuid}", headers=headers, json={})
    assert issued.status_code == 200, issued.get_json()
    return counted.statements


def _issuer_lookups(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().startswith("SELECT agency.") and "agency.code =" in s]


def test_a_release_to_several_agencies_looks_the_issuer_up_once(app, client, db, make, sender, count_queries):
    other = make.agency(name="Sở Tài chính tỉnh Thử", short_name="STC")
    statements = _issued_statements(app, client, db, sender, count_queries,
                                    recipients=[sender.recipient.code, other.code])
    assert len(_issuer_lookups(statements)) == 1, _issuer_lookups(statements)


# The token with its user and roles, the task lock, the case's document and draft, the agency's seal key, the
# outgoing book with its likely next number (one statement), the document's files, the number taken, the
# document's and files' writes, then the release to the one recipient (the issuer, duplicates, the received
# document, file and status, its process started, the recipient's and draft's writes, the replaced document's
# link) and the workflow's writes, by database as in test_request_statements.
ISSUE_COMPLETION = {"sqlite": 40, "postgresql": 30}


def test_issuing_to_one_agency(app, client, db, sender, count_queries):
    statements = _issued_statements(app, client, db, sender, count_queries)
    assert len(statements) == ISSUE_COMPLETION[db.session.get_bind().dialect.name], statements
