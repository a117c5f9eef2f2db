"""Two senders and two pollers at once, each with its own connection: nothing is sent or imported twice."""
import io
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.documents.models import Document
from app.exchange.edxml import build_package
from app.exchange.inbox import poll_inbox
from app.exchange.messages import InboxMessage, OutboxMessage
from app.exchange.outbox import queue_message, send_due_messages
from app.exchange.received import ReceivedPackage
from app.extensions import db as _db
from app.workflow.deployment import sync_processes
from app.workflow.registry import catalogue

from ..conftest import csrf_token_from
from ..factories import Factory
from ..parallel import run_in_parallel
from .doubles import DocumentImport, RecordingInbox, RecordingTransport
from .test_import import package

MESSAGES = 60
SENDERS = 4
NOW = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


def test_concurrent_senders_never_send_one_message_twice(app, committed_db):
    with app.test_request_context():
        agency = Factory(_db).agency()
        for n in range(MESSAGES):
            queue_message(agency_id=agency.id, kind="edoc", package=f"goi-{n}".encode(),
                          recipient_codes=["000.00.00.G22"], now=NOW)
        _db.session.commit()
        _db.session.remove()
    transport = RecordingTransport()  # one transport for every sender: the calls interleave

    def sender(_worker: int):
        # One message per claim: the senders' claims overlap all the time.
        while sum(send_due_messages(transport, NOW, limit=1).values()):
            pass

    assert run_in_parallel(app, SENDERS, sender) == []
    packages = [package for package, _codes in transport.sent]
    assert sorted(packages) == sorted(f"goi-{n}".encode() for n in range(MESSAGES))  # each once
    states = committed_db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
    assert dict(states.all()) == {"sent": MESSAGES}


def test_concurrent_pollers_import_each_package_once(app, committed_db):
    with app.test_request_context():
        agency_id = Factory(_db).agency().id
        _db.session.commit()
        _db.session.remove()
    axis = RecordingInbox({f"r-{n}": f"Van ban {n}".encode() for n in range(10)})
    handle = DocumentImport(agency_id, pause=0.005)

    def poller(_worker: int):
        poll_inbox(axis, handle)

    assert run_in_parallel(app, 2, poller) == []
    assert committed_db.session.scalar(select(func.count(Document.id))) == 10
    rows = committed_db.session.scalars(select(InboxMessage)).all()
    assert sorted(row.state for row in rows) == ["imported"] * 10
    assert {remote_id for remote_id, outcome in axis.acknowledged if outcome == "done"} == set(axis.packages)


def _signed_in(app, username: str) -> tuple:
    """A client signed in as the clerk through the login form and the API: its CSRF token and bearer header.

    Each request gets an app context of its own: the test's own one would keep the first sign-in in `g`.
    """
    client = app.test_client()

    def get(url: str) -> str:
        with app.app_context():
            return client.get(url).get_data(as_text=True)

    with app.app_context():
        assert client.post("/dang-nhap", data={"username": username, "password": Factory.PASSWORD,
                                               "csrf_token": csrf_token_from(get("/dang-nhap"))}).status_code == 302
    csrf = csrf_token_from(get("/lien-thong/nhan-goi"))
    with app.app_context():
        token = client.post("/api/v1/auth/login", json={"username": username, "password": Factory.PASSWORD})
    return client, csrf, {"Authorization": f"Bearer {token.get_json()['token']}"}


@pytest.mark.parametrize("channel", ["api", "upload page"])
def test_the_same_package_posted_twice_at_once_makes_one_document(app, committed_db, channel):
    with app.test_request_context():
        make = Factory(_db)
        agency = make.agency(code="000.00.12.H63", name="Sở Nội vụ tỉnh Yên Bái")
        clerk = make.user(agency=agency, roles=("clerk",))
        assert sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"]).problems == []
        _db.session.commit()
        username = clerk.username
        _db.session.remove()
    data = build_package(package())
    clients = [_signed_in(app, username) for _n in range(2)]
    answers = [None, None]

    def post(worker: int):
        client, csrf, token = clients[worker]
        if channel == "api":
            answers[worker] = client.post("/api/v1/exchange/packages", data=data,
                                          headers={**token, "Content-Type": "application/xml"})
        else:
            answers[worker] = client.post("/lien-thong/nhan-goi", content_type="multipart/form-data", data={
                "csrf_token": csrf, "goi_tin": [(io.BytesIO(data), "7816.edxml")]})

    assert run_in_parallel(app, 2, post) == []
    assert sorted(answer.status_code for answer in answers) == ([201, 201] if channel == "api" else [200, 200])
    assert committed_db.session.scalar(select(func.count(Document.id))) == 1
    assert committed_db.session.scalar(select(func.count(ReceivedPackage.id))) == 1
    [document_id] = committed_db.session.scalars(select(Document.id)).all()
    shown = [" ".join(answer.get_json()["warnings"]) if channel == "api" else answer.get_data(as_text=True)
             for answer in answers]
    if channel == "api":
        assert [answer.get_json()["document_ids"] for answer in answers] == [[document_id], [document_id]]
    assert sum("trước đó; không tạo văn bản thứ hai" in text for text in shown) == 1  # the later one hears "already"
