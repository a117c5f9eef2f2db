"""End-to-end latency through the axis stand-in: A → stand-in → B at 01, and B's 03 back on A's timeline.

Two installations (two app objects, two SQLite databases) and the stand-in served over HTTP on loopback,
each installation a system of its own in the stand-in. There: a document package with a 2 MB PDF is
queued in A's outbox; the time runs until it is a document (status 01) at B — A's outbox job sends it,
B's inbox job takes, imports and acknowledges it. Back: B's clerk accepts and registers it; the time runs
until A's outgoing document shows B at 03 — B's outbox job sends its status packages, A's inbox job
applies them. The jobs are called back to back (in production they run every 30 and 60 s, which is
what a user waits for on top of these figures).
"""
import os
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.auth.passwords import hash_password
from app.directory.models import Agency, User
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import recipient_statuses
from app.exchange.axis.client import AxisClient
from app.exchange.axis.hub import create_hub_app
from app.exchange.axis.hub import store as hub_store
from app.exchange.axis.transport import AxisTransport
from app.exchange.edxml import (
    Attachment,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    PromulgationInfo,
    build_package,
    document_id,
)
from app.exchange.inbox import poll_inbox
from app.exchange.outbox import queue_message, send_due_messages
from app.exchange.setup import received_package
from app.extensions import db
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

CODE_A, CODE_B = "000.00.01.H63", "000.00.02.H38"
SYSTEMS = {"bench.a": ("secret-a", CODE_A, "Văn phòng UBND tỉnh A"), "bench.b": ("secret-b", CODE_B, "Sở Nội vụ tỉnh B")}


def _installation(folder: Path, code: str, name: str, *, with_clerk: bool):
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lienthong.db'}", "SECRET_KEY": "bench",
                      "FILES_DIR": str(folder / "files"), "PKI_DIR": str(folder / "pki"),
                      "AUDIT_ANCHOR_LOG": str(folder / "anchors.log")})
    with app.app_context():
        upgrade()
        agency = Agency(code=code, name=name, short_name=name[:8], kind="department")
        db.session.add(agency)
        if with_clerk:
            clerk = User(agency=agency, username=f"vanthu.{code}", full_name="Văn thư", password_hash=hash_password("x"))
            clerk.set_roles(["clerk"])
            db.session.add(clerk)
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == [], report.problems
        db.session.commit()
        agency_id = agency.id
    return app, agency_id


def _outgoing_at_a(agency_id: int, number: int) -> int:
    """A's released document whose DocumentId the package carries, with B as its external recipient (the
    release path that queues the package is timed apart: bench/outgoing.py and the format figures)."""
    document = Document(agency_id=agency_id, direction="outgoing", origin="internal", doc_type="CV",
                        number=str(number), notation="UBND-VP", issuer_code=CODE_A, issuer_name=SYSTEMS["bench.a"][2],
                        document_date=date.today(), subject=f"V/v đo độ trễ liên thông số {number}", status_code="01")
    db.session.add(document)
    db.session.flush()
    db.session.add_all([OutgoingDraft(document_id=document.id, stage="released"),
                        OutgoingRecipient(draft_id=document.id, code=CODE_B, name=SYSTEMS["bench.b"][2],
                                          exchange_state="sent")])
    return document.id


def _register_at_b(document_id: int) -> None:
    clerk = db.session.scalars(select(User).where(User.username == f"vanthu.{CODE_B}")).one()
    instance_id = db.session.get(Document, document_id).instance_id
    for spec_id, data in (("receive", {"receive_decision": "accept"}), ("register", {"route": "leader"})):
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                          HumanTask.spec_id == spec_id)).one()
        complete_task(task.task_uuid, data, actor=clerk)
    db.session.commit()


def _b_as_seen_by_a(document_id: int) -> str | None:
    lines = recipient_statuses(db.session.get(OutgoingDraft, document_id))
    return next(line.status_code for line in lines if line.code == CODE_B)


def _package(pdf: bytes, number: int) -> bytes:
    day = date.today()
    return build_package(DocumentPackage(
        sender=Organization(CODE_A, organ_name=SYSTEMS["bench.a"][2]), to=[Organization(CODE_B)],
        document_id=document_id(CODE_A, day, str(number), "UBND-VP"), code=Code(str(number), "UBND-VP"),
        promulgation=PromulgationInfo("Yên Bái", day), document_type=DocumentType(1, 0, "Công văn"),
        subject=f"V/v đo độ trễ liên thông số {number}",
        attachments=[Attachment("cid:1", "van-ban.pdf", pdf, "application/pdf")]))


def large_pdf(size: int) -> bytes:
    """A valid one-page PDF of about `size` bytes: a page with text and an image of random (incompressible)
    pixels, like a scan, so the receiving side reads it as the real thing."""
    side = int((size / 3) ** 0.5)
    pixels = os.urandom(side * side * 3)
    text = b"BT /F1 12 Tf 72 720 Td (Van ban do do tre lien thong) Tj ET q 400 0 0 400 72 200 cm /Im1 Do Q"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
               b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream" % (side, side, len(pixels), pixels)]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def roundtrip_section(args) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    hub_app = create_hub_app(f"sqlite:///{folder / 'axis-hub.db'}")
    with hub_app.extensions["axis_hub_engine"].begin() as conn:
        for system_id, (secret, code, name) in SYSTEMS.items():
            hub_store.register_system(conn, system_id, secret=secret)
            hub_store.register_agency(conn, system_id, code=code, name=name)
    server = make_server("127.0.0.1", 0, hub_app, threaded=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        app_a, agency_a = _installation(folder / "a", CODE_A, SYSTEMS["bench.a"][2], with_clerk=False)
        app_b, agency_b = _installation(folder / "b", CODE_B, SYSTEMS["bench.b"][2], with_clerk=True)
        send = AxisTransport(AxisClient(url, "bench.a", "secret-a"))
        take = AxisTransport(AxisClient(url, "bench.b", "secret-b"))
        back_send = AxisTransport(AxisClient(url, "bench.b", "secret-b"))
        back_take = AxisTransport(AxisClient(url, "bench.a", "secret-a"))
        pdf = large_pdf(2 * 1024 * 1024)
        there, back = [], []
        for number in range(1, args.roundtrips + 1):
            data = _package(pdf, number)
            with app_a.app_context():
                outgoing_id = _outgoing_at_a(agency_a, number)
                db.session.commit()
            begun = time.perf_counter()
            with app_a.app_context():
                queue_message(agency_id=agency_a, kind="edoc", package=data, recipient_codes=[CODE_B])
                db.session.commit()
                assert send_due_messages(send)["sent"] == 1
            with app_b.app_context():
                assert poll_inbox(take, received_package)["imported"] == 1
                arrived = db.session.scalars(select(Document).where(
                    Document.agency_id == agency_b).order_by(Document.id.desc())).first()
                assert arrived.status_code == "01"
                there.append(time.perf_counter() - begun)
                begun = time.perf_counter()
                _register_at_b(arrived.id)
                assert send_due_messages(back_send)["sent"] == 2  # 01 at arrival, 03 at registration
            with app_a.app_context():
                assert poll_inbox(back_take, received_package)["imported"] == 2
                assert _b_as_seen_by_a(outgoing_id) == "03"
            back.append(time.perf_counter() - begun)
    finally:
        server.shutdown()
    return [f"End to end through the axis stand-in (2 MB PDF, {len(there)} documents):",
            f"  A → B at 01:                 median {statistics.median(there) * 1000:5.0f} ms, max "
            f"{max(there) * 1000:.0f} ms",
            f"  B registers → A sees 03:     median {statistics.median(back) * 1000:5.0f} ms, max "
            f"{max(back) * 1000:.0f} ms"]
