"""`flask seed-demo` also brings in incoming documents in every state, as real signed PDFs, weeks back."""
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.audit.verification import verify_chain
from app.demo_cli import DEMO_PASSWORD
from app.directory.models import User
from app.documents.dashboard import leader_dashboard
from app.documents.models import Document, DocumentLink, DocumentNote
from app.documents.search import OPEN_STATUSES
from app.filestore import path_for
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM, vietnam_today
from app.workflow.access import my_tasks_query
from app.workflow.history import instance_events

from ..conftest import csrf_token_from

# What the README promises each demo account finds in "Việc của tôi".
WAITING_WORK = {
    "vanthu.snv": {"receive", "register"},
    "lanhdao.snv": {"assign"},
    "truongphong.snv": {"dispatch_lead", "dispatch_support"},
    "chuyenvien.snv": {"handle", "contribute"},
    "vanthu.ubnd": {"receive", "register"},
    "lanhdao.ubnd": {"assign"},
    "truongphong.ubnd": {"dispatch_support"},
    "chuyenvien.ubnd": {"handle", "contribute"},
}


def user(db, username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_seed_demo_brings_in_documents_in_every_state(app, db):
    seeded_from = utcnow()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "văn bản đến minh họa" in result.output

    # The demo letters; the outgoing demo's deliveries are checked in test_demo_outgoing_documents, the
    # ministries' edXML packages (received now, not back-dated) in test_seed_demo.
    # (Last year's documents of Sở Nội vụ's closed dossiers are checked in test_seed_demo.)
    documents = db.session.scalars(select(Document).where(Document.direction == "incoming",
                                                          Document.source_document_id.is_(None),
                                                          Document.origin != "edxml",
                                                          Document.document_date >= date(vietnam_today().year, 1, 1))
                                   .order_by(Document.received_at)).all()
    assert 30 <= len(documents) <= 45
    statuses = Counter(d.status_code for d in documents)
    assert set(statuses) == {"01", "02", "03", "04", "05", "06"}, statuses
    today = vietnam_today()
    overdue = [d for d in documents if d.status_code in OPEN_STATUSES and d.due_date and d.due_date < today]
    assert overdue
    for document in overdue:  # the process's own overdue timer has fired
        assert any(n.kind == "deadline" and n.text.startswith("Quá hạn") for n in notes(db, document))
    assert sum(1 for d in documents if d.secrecy) >= 2

    # Weeks of work, never in the future; every step after the one before.
    now = utcnow()
    new_year = datetime(today.year, 1, 1, tzinfo=VIETNAM)  # the weeks stay in this year: số đến restart
    assert documents[-1].received_at <= now and documents[0].received_at >= new_year
    assert documents[0].received_at <= max(now - timedelta(days=10), new_year + timedelta(days=4))
    for document in documents:
        moments = [change.at for change in document.statuses]
        assert moments == sorted(moments) and moments[-1] <= now
        assert document.received_at == moments[0]
        # One clock on the page: the case's history is dated like the process panel, in the demo's weeks.
        recorded = [event.occurred_at for event in instance_events(document.instance_id)]
        assert recorded[0] == document.received_at and max(recorded) < seeded_from
        if document.registered_at:
            assert document.arrival_year == document.registered_at.astimezone(VIETNAM).year

    completed = [d for d in documents if d.status_code == "06"]
    assert db.session.scalars(select(DocumentLink).where(
        DocumentLink.document_id.in_([d.id for d in completed]))).first() is not None
    in_progress = [d for d in documents if d.status_code == "05"]
    assert any(n.kind == "contribution" for d in in_progress for n in notes(db, d))

    # Real PDFs in the file store, signed by the demo PKI when delivered from inside the installation.
    files_dir = Path(app.config["FILES_DIR"])
    for document in documents:
        assert path_for(files_dir, document.main_file.sha256).read_bytes().startswith(b"%PDF")
    verdicts = Counter(v["verdict"] for d in documents for v in d.signature_verdicts)
    assert verdicts["valid"] >= 10 and verdicts["invalid"] + verdicts["unknown"] >= 1
    refused = [d for d in documents if d.status_code == "02"]
    assert refused and all(d.refusal_reason for d in refused)
    assert any(v["verdict"] != "valid" for d in refused for v in d.signature_verdicts)

    assert verify_chain().intact

    for username, specs in WAITING_WORK.items():
        waiting = {task.spec_id for task in db.session.scalars(my_tasks_query(user(db, username)))}
        assert specs <= waiting, (username, waiting)

    clerk = user(db, "vanthu.snv")
    since = today - timedelta(weeks=3)
    page = signed_in(app, clerk).get(f"/so-van-ban/den?from={since.isoformat()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    registered = [d for d in documents if d.agency_id == clerk.agency_id and d.book and not d.book.secret
                  and d.registered_at.astimezone(VIETNAM).date() >= since]
    assert len(registered) >= 5 and all(d.symbol in html for d in registered)

    dashboard = leader_dashboard(user(db, "lanhdao.snv"))
    assert dashboard.counts["waiting"] >= 2 and dashboard.counts["overdue"] >= 1


def signed_in(app, account: User):
    """A browser signed in with the demo password (once per test: the signed-in user is kept in `g`)."""
    client = app.test_client()
    token = csrf_token_from(client.get("/dang-nhap").get_data(as_text=True))
    response = client.post("/dang-nhap", data={"username": account.username, "password": DEMO_PASSWORD,
                                               "csrf_token": token})
    assert response.status_code == 302
    return client


def notes(db, document):
    return db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id)).all()


def test_seed_demo_creates_outgoing_documents_at_every_stage_with_valid_signatures(app, db):
    from app.documents.outgoing.models import OutgoingDraft
    from app.signing.keystore import active_person_credential

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "văn bản đi minh họa" in result.output and "123456" in result.output
    drafts = db.session.scalars(select(OutgoingDraft)).all()
    assert {d.stage for d in drafts} >= {"drafting", "content_review", "format_check", "signing", "issuing",
                                         "released", "recalled"}
    released = [d for d in drafts if d.stage == "released"]
    for draft in released:
        assert [v["verdict"] for v in draft.document.signature_verdicts] == ["valid", "valid"]
    delivered = db.session.scalars(select(Document).where(
        Document.source_document_id.in_([d.document_id for d in released]))).all()
    assert {d.status_code for d in delivered} == {"01", "02", "03"}
    recalled = [d for d in drafts if d.stage == "recalled"]
    copies = db.session.scalars(select(Document).where(Document.source_document_id == recalled[0].document_id)).all()
    assert [c.status_code for c in copies] == ["13"]
    assert active_person_credential(user(db, "lanhdao.ubnd").id) is not None
    waiting = {task.spec_id for task in db.session.scalars(my_tasks_query(user(db, "lanhdao.ubnd")))}
    assert "sign" in waiting  # the README's signing walk-through starts here
    assert "issue" in {t.spec_id for t in db.session.scalars(my_tasks_query(user(db, "vanthu.ubnd")))}
    assert "decide" in {t.spec_id for t in db.session.scalars(my_tasks_query(user(db, "vanthu.snv")))}
    assert verify_chain().intact
