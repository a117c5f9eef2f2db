"""Release sends to recipients outside through the outbox: one signed edXML package per release that carries
the document as issued; secret documents never leave; `flask exchange export` writes the same package."""
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft
from app.exchange.edxml import (
    Bussiness,
    Code,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ReplacementInfo,
    SignerInfo,
    parse_package,
)
from app.exchange.edxml.signature import verify_signature
from app.exchange.messages import OutboxMessage
from app.filestore import path_for, store_pdf
from app.signing.validation import crls_from_config, trust_roots_from_config, validate_pdf_signatures
from app.workflow.errors import OperatorRefused

from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft
from ..pdf_samples import minimal_pdf
from ..signing.token_setup import register_command

GOVERNMENT_OFFICE = "000.00.00.G22"
MINISTRY = "000.00.00.G09"
EXTERNAL = f"{GOVERNMENT_OFFICE} - Văn phòng Chính phủ\n{MINISTRY} - Bộ Nội vụ"


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def released(app, db, sender, **overrides) -> Document:
    instance_id = start_draft(app, db, sender, **overrides)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    return db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()


def file_bytes(app, file) -> bytes:
    return path_for(Path(app.config["FILES_DIR"]), file.sha256).read_bytes()


def appendix(app) -> dict:
    stored = store_pdf(io.BytesIO(minimal_pdf("Phu luc I")), "phu-luc-1.pdf", files_dir=app.config["FILES_DIR"],
                       max_bytes=1 << 20)
    return {"sha256": stored.sha256, "name": stored.name, "size": stored.size}


def messages(db) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_release_queues_one_signed_package_that_carries_the_document_as_issued(app, db, sender):
    document = released(app, db, sender, external_recipients=EXTERNAL, urgency=1, attachment=appendix(app),
                        extra_recipient_lines="Chủ tịch, các PCT UBND tỉnh")
    draft = db.session.get(OutgoingDraft, document.id)
    [message] = messages(db)
    assert (message.kind, message.state, message.document_id) == ("edoc", "pending", document.id)
    assert message.recipient_codes == [GOVERNMENT_OFFICE, MINISTRY]
    external = [r for r in draft.recipients if r.agency_id is None]
    assert [(r.exchange_state, r.outbox_message_id) for r in external] == [("queued", message.id)] * 2
    internal = [r for r in draft.recipients if r.agency_id is not None]
    assert internal[0].delivered_document_id is not None and internal[0].outbox_message_id is None

    parsed = parse_package(message.package)
    package, agency = parsed.package, sender.agency
    assert parsed.warnings == [] and parsed.has_signature
    assert package.sender == Organization(agency.code, organization_in_charge="Ủy ban nhân dân tỉnh Thử",
                                          organ_name=agency.name)
    assert package.to == [Organization(GOVERNMENT_OFFICE, organ_name="Văn phòng Chính phủ"),
                          Organization(MINISTRY, organ_name="Bộ Nội vụ")]
    day = document.document_date
    assert package.document_id == f"{agency.code},{day:%Y/%m/%d},01/VPUBND-TH"
    assert package.code == Code("01", "VPUBND-TH")
    assert package.promulgation == PromulgationInfo(app.config["DOCUMENT_PLACE_NAME"], day)
    assert package.document_type == DocumentType(1, None, "Công văn")
    assert package.subject == document.subject
    assert package.signer == SignerInfo("TL. Chủ tịch", "Chánh Văn phòng", "Trần Quang Minh")
    assert package.due_date is None
    assert package.to_places == ["Như trên", "Chủ tịch, các PCT UBND tỉnh", "Lưu: VT, TH"]
    assert package.other_info == OtherInfo(priority=1, promulgation_amount=3, page_amount=document.page_count,
                                           appendixes=["phu-luc-1.pdf"])
    assert [t.organ_id for t in package.trace_headers] == [agency.code] and package.trace_headers[0].timestamp
    assert package.bussiness == Bussiness(0)
    main, extra = document.main_file, [f for f in document.files if f.role == "attachment"]
    assert [(a.content_id, a.name, a.content_type) for a in package.attachments] == [
        ("cid:1", main.name, "application/pdf"), ("cid:2", "phu-luc-1.pdf", "application/pdf")]
    assert package.attachments[0].data == file_bytes(app, main)  # byte-equal: both PAdES signatures intact
    assert package.attachments[1].data == file_bytes(app, extra[0])

    trust = {"trust_roots": trust_roots_from_config(app.config), "crls": crls_from_config(app.config)}
    verdicts = validate_pdf_signatures(package.attachments[0].data, **trust)
    assert [(v.field_name, v.verdict) for v in verdicts] == [("ChuKyNguoiKy", "valid"), ("ChuKyCoQuan", "valid")]
    header = verify_signature(message.package, **trust)
    assert header.verdict == "valid" and header.signer_organisation.startswith(agency.name)  # "… (DEMO)"


def test_a_release_inside_the_installation_only_queues_nothing(app, db, sender):
    document = released(app, db, sender)
    assert messages(db) == [] and db.session.get(OutgoingDraft, document.id).stage == "released"


def test_a_secret_document_addressed_outside_is_refused_at_release_and_nothing_is_released(app, db, sender):
    instance_id = start_draft(app, db, sender, external_recipients=EXTERNAL)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    document.secrecy = 1  # changed behind the drafting step's back (it refuses secret + outside)
    db.session.commit()
    with pytest.raises(OperatorRefused, match="Văn bản mật không được gửi ra ngoài hệ thống"):
        issue(app, db, sender, instance_id)
    assert messages(db) == []
    assert db.session.scalar(select(func.count()).select_from(Document)
                             .where(Document.source_document_id == document.id)) == 0
    assert db.session.get(OutgoingDraft, document.id).stage == "issuing"


def test_a_replacement_names_the_document_it_replaces(app, db, sender):
    first = released(app, db, sender, external_recipients=EXTERNAL)
    second = released(app, db, sender, external_recipients=EXTERNAL, replaces_document_id=first.id)
    package = parse_package(messages(db)[1].package).package
    old_id = f"{sender.agency.code},{first.document_date:%Y/%m/%d},01/VPUBND-TH"
    assert package.bussiness == Bussiness(3, "Thay thế văn bản 01/VPUBND-TH.",
                                          replacements=[ReplacementInfo(old_id, [GOVERNMENT_OFFICE, MINISTRY])])
    assert package.code == Code(second.number, second.notation) and second.number == "02"


def test_the_export_command_writes_the_package_queued_at_release(app, db, sender, tmp_path):
    document = released(app, db, sender, external_recipients=EXTERNAL)
    db.session.commit()  # the command commits its audit event: keep the setup out of its rollback
    output = tmp_path / "goi-tin.edxml"
    result = app.test_cli_runner().invoke(args=["exchange", "export", str(document.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == messages(db)[0].package


def test_the_export_of_a_document_sent_inside_only_is_a_signed_package_to_its_recipients(app, db, sender, tmp_path):
    document = released(app, db, sender)
    db.session.commit()
    output = tmp_path / "goi-tin.edxml"
    result = app.test_cli_runner().invoke(args=["exchange", "export", str(document.id), "-o", str(output)])
    assert result.exit_code == 0, result.output
    parsed = parse_package(output.read_bytes())
    assert [o.organ_id for o in parsed.package.to] == [sender.recipient.code] and parsed.has_signature


@pytest.mark.parametrize("secrecy, stage, reason", [
    (1, "released", "Văn bản mật không được gửi ra ngoài"),
    (0, "issuing", "Văn bản chưa phát hành"),
])
def test_the_export_refuses_secret_and_unreleased_documents(app, db, sender, tmp_path, secrecy, stage, reason):
    instance_id = start_draft(app, db, sender, secrecy=secrecy)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    if stage == "released":
        issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    assert db.session.get(OutgoingDraft, document.id).stage == stage
    db.session.commit()
    output = tmp_path / "goi-tin.edxml"
    result = app.test_cli_runner().invoke(args=["exchange", "export", str(document.id), "-o", str(output)])
    assert result.exit_code == 1 and reason in result.output and not output.exists()


def test_a_seal_key_in_a_token_signs_the_package_and_an_unreachable_token_leaves_it_unsigned(
        app, db, make, deployed, softhsm_token, tmp_path, monkeypatch, caplog):
    from app.documents.outgoing.recall import request_recall

    sender = make_sender(app, make)
    base = register_command(app, sender.agency, softhsm_token, tmp_path, monkeypatch)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=[*base, "--key", "con-dau"]).exit_code == 0
    document = released(app, db, sender, external_recipients=EXTERNAL)
    [message] = messages(db)
    parsed = parse_package(message.package)
    assert parsed.has_signature and parsed.package.attachments[0].data == file_bytes(app, document.main_file)
    verdict = verify_signature(message.package, trust_roots=trust_roots_from_config(app.config),
                               crls=crls_from_config(app.config))
    assert (verdict.verdict, verdict.signer_name) == ("valid", sender.agency.name)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_package_queued")).one()
    assert event.data["signed"] is True

    # The token refuses the server's login: the legal signatures are inside the PDF, so the recall still
    # leaves, unsigned, with a warning in the log.
    monkeypatch.setitem(app.config, "SIGNING_PKCS11_PIN", "0000")
    with app.test_request_context():
        request_recall(document, actor=sender.clerk, reason="Ban hành nhầm nơi nhận")
    _release, recall = messages(db)
    assert not parse_package(recall.package).has_signature and "leaves unsigned" in caplog.text


def test_a_recall_sends_one_recall_package_to_the_external_recipients(app, db, sender):
    from app.documents.outgoing.recall import request_recall

    document = released(app, db, sender, external_recipients=EXTERNAL)
    with app.test_request_context():
        request_recall(document, actor=sender.clerk, reason="Ban hành nhầm nơi nhận")
    release_message, recall_message = messages(db)
    assert recall_message.recipient_codes == release_message.recipient_codes == [GOVERNMENT_OFFICE, MINISTRY]
    package = parse_package(recall_message.package).package
    assert package.bussiness == Bussiness(1, "Ban hành nhầm nơi nhận", document_id=package.document_id)
    assert package.document_id == parse_package(release_message.package).package.document_id


def test_from_and_to_carry_the_agencies_contact_details_through_export_and_import(app, db, make, sender, tmp_path):
    """The sender's details from its agency, an external recipient's from the directory; exported, then read
    back by the import at the recipient, the package names both as the directory does."""
    from app.exchange.directory import import_agencies
    from app.exchange.dispatch import receive_any
    from app.exchange.received import ReceivedPackage

    agency = sender.agency
    agency.address, agency.email = "Số 1 Đường Hòa Bình, Yên Bái", "vanthu@yenbai.gov.vn"
    agency.phone, agency.website = "0216 3852 000", "https://yenbai.gov.vn"
    import_agencies(("ma_dinh_danh,ten,dia_chi,thu_dien_tu,dien_thoai,website\n"
                     f"{GOVERNMENT_OFFICE},Văn phòng Chính phủ,1 Hoàng Hoa Thám,vpcp@chinhphu.vn,080 43162,"
                     "https://vpcp.chinhphu.vn\n").encode(), "co-quan.csv")
    document = released(app, db, sender, external_recipients=EXTERNAL)
    db.session.commit()
    output = tmp_path / "goi-tin.edxml"
    assert app.test_cli_runner().invoke(args=["exchange", "export", str(document.id), "-o", str(output)]).exit_code == 0
    exported = output.read_bytes()
    package = parse_package(exported).package
    contact = lambda o: (o.organ_add, o.email, o.telephone, o.website)  # noqa: E731
    assert contact(package.sender) == ("Số 1 Đường Hòa Bình, Yên Bái", "vanthu@yenbai.gov.vn", "0216 3852 000",
                                       "https://yenbai.gov.vn")
    office, ministry = package.to
    assert contact(office) == ("1 Hoàng Hoa Thám", "vpcp@chinhphu.vn", "080 43162", "https://vpcp.chinhphu.vn")
    assert ministry.organ_id == MINISTRY and contact(ministry) == (None, None, None, None)  # not in the directory

    make.agency(code=GOVERNMENT_OFFICE, name="Văn phòng Chính phủ")
    with app.test_request_context():
        [copy_id] = receive_any(exported, actor=None, to_code=GOVERNMENT_OFFICE).document_ids
    kept = db.session.scalars(select(ReceivedPackage).where(ReceivedPackage.document_id == copy_id)).one()
    stored = path_for(Path(app.config["FILES_DIR"]), kept.package_sha256).read_bytes()
    assert contact(parse_package(stored).package.sender) == contact(package.sender)
