"""edXML packages come in as incoming documents: addressed by mã định danh, original bytes kept, warnings and
the header signature's verdict beside the document, never twice, and a refusal leaves nothing behind."""
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.documents.models import RECEIVED, Document
from app.exchange import importing
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
from app.exchange.edxml.safe_xml import PackageRefused
from app.exchange.edxml.signature import sign_package
from app.exchange.importing import import_package
from app.exchange.received import ReceivedPackage
from app.signing.demo_pki import ensure_demo_pki

from ..conftest import csrf_token_from
from ..factories import bearer_headers
from ..pdf_samples import minimal_pdf

MINISTRY = "000.00.00.G22"


@pytest.fixture
def receiver(make, deployed):
    agency = make.agency(code="000.00.12.H63", name="Sở Nội vụ tỉnh Yên Bái")
    return agency, make.user(agency=agency, roles=("clerk",))


def package(to: str = "000.00.12.H63", *, number: str = "7816", attachments=None) -> DocumentPackage:
    day = date(2026, 11, 30)
    return DocumentPackage(
        sender=Organization(MINISTRY, organ_name="Văn phòng Chính phủ"), to=[Organization(to)],
        document_id=document_id(MINISTRY, day, number, "VPCP-TTĐT"), code=Code(number, "VPCP-TTĐT"),
        promulgation=PromulgationInfo("Hà Nội", day), document_type=DocumentType(1, 0, "Công văn"),
        subject="V/v triển khai trục liên thông văn bản quốc gia",
        attachments=attachments if attachments is not None else [
            Attachment("cid:1", "7816-VPCP.pdf", minimal_pdf("Cong van 7816"), "application/pdf"),
            Attachment("cid:2", "phu-luc.pdf", minimal_pdf("Phu luc"), "application/pdf")])


def signed(app, built: bytes) -> bytes:
    seal = ensure_demo_pki(Path(app.config["PKI_DIR"])).issue_organisation(MINISTRY, "Văn phòng Chính phủ")
    return sign_package(built, key=seal.private_key, certificates=[seal.certificate, *seal.ca_chain])


def stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["FILES_DIR"]).rglob("*") if p.is_file()}


def test_a_signed_package_becomes_an_incoming_document_with_its_package_kept(app, db, receiver):
    agency, _clerk = receiver
    data = signed(app, build_package(package()))
    with app.test_request_context():
        imported = import_package(data, actor=None)
    [document_id_here] = imported.document_ids
    document = db.session.get(Document, document_id_here)
    assert (document.agency_id, document.origin, document.status_code) == (agency.id, "edxml", RECEIVED)
    assert (document.issuer_code, document.number, document.notation, document.doc_type) == (
        MINISTRY, "7816", "VPCP-TTĐT", "CV")
    assert document.instance_id is not None and len(document.files) == 2
    kept = db.session.scalars(select(ReceivedPackage)).one()
    assert kept.signature["verdict"] == "valid" and kept.edxml_document_id == f"{MINISTRY},2026/11/30,7816/VPCP-TTĐT"
    stored = Path(app.config["FILES_DIR"]).rglob(kept.package_sha256)
    assert next(stored).read_bytes() == data
    assert imported.warnings == []


def test_the_same_package_twice_makes_one_document(app, db, receiver):
    data = build_package(package())
    with app.test_request_context():
        first = import_package(data, actor=None)
        again = import_package(data, actor=None)
    assert first.document_ids == again.document_ids
    assert any("không tạo văn bản thứ hai" in w for w in again.warnings)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
    # Unsigned: imported, with the verdict as a warning for the clerk.
    assert any("Chữ ký số của gói tin" in w for w in first.warnings)


def test_a_twin_received_between_the_check_and_the_insert_answers_already_received(app, db, receiver,
                                                                                   monkeypatch):
    """The look-up before receiving misses a twin another request commits a moment later: the unique key
    catches it, the attempt is taken back and the twin's document answers (the concurrent test runs it for real)."""
    data = build_package(package())
    looked_up = importing._received_earlier
    with app.test_request_context():
        first = import_package(data, actor=None)
        calls = []

        def missed_once(*key):
            calls.append(key)
            return None if len(calls) == 1 else looked_up(*key)

        monkeypatch.setattr(importing, "_received_earlier", missed_once)
        again = import_package(data, actor=None)
    assert len(calls) == 2 and again.document_ids == first.document_ids
    assert any("không tạo văn bản thứ hai" in w for w in again.warnings)
    assert db.session.scalar(select(func.count()).select_from(Document)) == 1
    assert db.session.scalar(select(func.count()).select_from(ReceivedPackage)) == 1


@pytest.mark.parametrize("data, reason", [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DOCTYPE"),
    (None, "không có tệp PDF"),
    (b"khong phai xml", "XML"),
])
def test_a_refused_package_leaves_no_row_and_no_file(app, db, receiver, data, reason):
    if data is None:
        data = build_package(package(attachments=[Attachment("cid:1", "a.docx", b"PK..", "application/msword")]))
    before = stored_files(app)
    with app.test_request_context(), pytest.raises(PackageRefused) as refused:
        import_package(data, actor=None)
    assert reason in " ".join(refused.value.reasons)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ReceivedPackage)) == 0
    assert stored_files(app) == before


def test_addressing_by_code_and_by_the_operators_choice(app, db, make, receiver):
    agency, clerk = receiver
    other_clerk = make.user(agency=make.agency(), roles=("clerk",))
    lost = build_package(package("000.00.77.H99"))
    with app.test_request_context():
        with pytest.raises(PackageRefused, match="không phải cơ quan nào trong hệ thống"):
            import_package(lost, actor=None)
        with pytest.raises(PackageRefused, match="không gửi cơ quan nào của bạn"):
            import_package(build_package(package()), actor=other_clerk)
        directed = import_package(lost, actor=None, to_code=agency.code)
        by_clerk = import_package(build_package(package(number="7817")), actor=clerk)
    assert db.session.get(Document, directed.document_ids[0]).agency_id == agency.id
    assert db.session.get(Document, by_clerk.document_ids[0]).received_by_id == clerk.id


def test_flask_exchange_import_prints_ids_and_exits_non_zero_on_a_refusal(app, db, receiver, tmp_path):
    good, bad = tmp_path / "goi.edxml", tmp_path / "hong.edxml"
    good.write_bytes(build_package(package()))
    bad.write_bytes(b"<edXML/>")
    result = app.test_cli_runner().invoke(args=["exchange", "import", str(good), str(bad)])
    assert result.exit_code == 1
    assert "văn bản" in result.output and "BỊ TỪ CHỐI" in result.output


def test_the_api_takes_a_package_body_and_names_why_it_refuses_one(app, client, db, receiver):
    _agency, clerk = receiver
    headers = {**bearer_headers(client, clerk), "Content-Type": "application/xml"}
    made = client.post("/api/v1/exchange/packages", headers=headers, data=build_package(package()))
    assert made.status_code == 201, made.get_json()
    assert len(made.get_json()["document_ids"]) == 1
    refused = client.post("/api/v1/exchange/packages", headers=headers,
                          data=b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>')
    assert refused.status_code == 422 and "DOCTYPE" in " ".join(refused.get_json()["reasons"])


def test_the_clerk_uploads_packages_and_sees_each_outcome(app, client, login, db, receiver):
    _agency, clerk = receiver
    login(clerk)
    page = client.get("/lien-thong/nhan-goi").get_data(as_text=True)
    answer = client.post("/lien-thong/nhan-goi", content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page),
        "goi_tin": [(io.BytesIO(build_package(package())), "7816.edxml"), (io.BytesIO(b"<x/>"), "hong.xml")]})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "7816.edxml" in html and "hong.xml" in html and "không được tiếp nhận" in html
    document = db.session.scalars(select(Document)).one()
    shown = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Gói tin liên thông (edXML)" in shown and "Chữ ký số của gói tin" in shown
    original = client.get(f"/van-ban/{document.id}/goi-edxml")
    assert original.status_code == 200 and original.data == build_package(package())


def test_an_app_with_an_axis_polls_it_and_imports_what_comes(app):
    from app import create_app
    from app.exchange.axis.transport import AxisTransport
    from app.exchange.setup import received_package

    configured = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                             "AXIS_ENDPOINT": "http://127.0.0.1:9", "AXIS_SYSTEM_ID": "a", "AXIS_SECRET": "s"})
    assert isinstance(configured.config["EXCHANGE_TRANSPORT"], AxisTransport)
    assert configured.config["EXCHANGE_IMPORT"] is received_package
    assert app.config["EXCHANGE_TRANSPORT"] is None  # no axis configured: the exchange's jobs do not run


def test_a_recall_package_asks_the_clerk_and_an_agreement_stops_the_handling(app, db, receiver):
    from app.documents.models import RECALL_AGREED, RECALL_ASKED
    from app.exchange.edxml import Bussiness
    from app.workflow.models import HumanTask, ProcessInstance
    from app.workflow.runtime import complete_task

    _agency, clerk = receiver
    original = package()
    recall = package()
    recall.bussiness = Bussiness(bussiness_doc_type=1, bussiness_doc_reason="Ban hành nhầm nơi nhận",
                                 document_id=original.document_id)
    with app.test_request_context():
        [received_id] = import_package(build_package(original), actor=None).document_ids
        asked = import_package(build_package(recall), actor=None)
        again = import_package(build_package(recall), actor=None)
        document = db.session.get(Document, received_id)
        assert asked.document_ids == [received_id] and document.status_code == RECALL_ASKED
        assert any("đã có đề nghị thu hồi" in w for w in again.warnings)
        decide = db.session.scalars(select(HumanTask).where(HumanTask.spec_id == "decide")).one()
        complete_task(decide.task_uuid, {"recall_decision": "agree", "recall_note": None}, actor=clerk)
    db.session.refresh(document)
    assert document.status_code == RECALL_AGREED
    assert db.session.get(ProcessInstance, document.instance_id).status == "cancelled"


def test_a_recall_of_a_document_never_received_is_refused(app, db, receiver):
    from app.exchange.edxml import Bussiness

    recall = package(number="9999")
    recall.bussiness = Bussiness(bussiness_doc_type=1, document_id=recall.document_id)
    with app.test_request_context(), pytest.raises(PackageRefused, match="chưa nhận văn bản"):
        import_package(build_package(recall), actor=None)


def test_a_replacement_is_a_new_document_linked_both_ways_to_the_one_it_replaces(app, db, receiver):
    from app.documents.models import DocumentLink
    from app.exchange.edxml import Bussiness, ReplacementInfo

    original = package()
    replacement = package(number="7900")
    replacement.bussiness = Bussiness(bussiness_doc_type=3, bussiness_doc_reason="Sai sót về thể thức",
                                      replacements=[ReplacementInfo(original.document_id, ["000.00.12.H63"])])
    with app.test_request_context():
        [old_id] = import_package(build_package(original), actor=None).document_ids
        imported = import_package(build_package(replacement), actor=None)
    [new_id] = imported.document_ids
    links = {(link.document_id, link.kind, link.related_id) for link in db.session.scalars(select(DocumentLink))}
    assert links == {(new_id, "replaces", old_id), (old_id, "replaced_by", new_id)}
    assert any("thay thế văn bản 7816/VPCP-TTĐT" in w for w in imported.warnings)
    stored = db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == new_id)).one()
    assert stored.warnings == imported.warnings
