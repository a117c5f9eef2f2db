"""Status packages from an external recipient land on our outgoing document's timeline: correlated by
DocumentId + OrganId, kept once, ordered by the recipient's own clock, unknown ones refused."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.directory.models import Agency
from app.documents.models import Document
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import recipient_statuses
from app.exchange.dispatch import receive_any
from app.exchange.edxml import (
    Organization,
    ResponseFor,
    StaffInfo,
    StatusPackage,
    build_status,
    document_id,
)
from app.exchange.edxml.safe_xml import PackageRefused
from app.exchange.edxml.signature import sign_package
from app.exchange.inbox import poll_inbox
from app.exchange.setup import received_package
from app.signing.demo_pki import ensure_demo_pki
from app.vietnam_time import VIETNAM
from app.workflow.scripting_runtime import work_calendar

from ..factories import bearer_headers
from .doubles import RecordingInbox

OURS = "000.00.01.H63"
THEIRS = "000.00.02.H38"
ISSUED = date(2026, 12, 1)
AT = datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM)  # a Tuesday


def make_outgoing(db, make, *, number="15", recipients=((THEIRS, "Sở Tài chính tỉnh B"),)):
    """An outgoing document released to external recipients, as the release path leaves it."""
    agency = db.session.scalars(select(Agency).where(Agency.code == OURS)).first() or make.agency(
        code=OURS, name="Sở Nội vụ tỉnh A")
    document = Document(agency_id=agency.id, direction="outgoing", origin="internal", doc_type="CV", number=number,
                        notation="SNV-VP", issuer_code=OURS, issuer_name=agency.name, document_date=ISSUED,
                        subject="V/v báo cáo số liệu", status_code="01")
    db.session.add(document)
    db.session.flush()
    draft = OutgoingDraft(document_id=document.id, stage="released")
    db.session.add(draft)
    for position, (code, name) in enumerate(recipients):
        db.session.add(OutgoingRecipient(draft_id=document.id, position=position, code=code, name=name,
                                         exchange_state="sent"))
    db.session.flush()
    return document, draft


def status(code: str, at: datetime | None, *, number="15", organ=THEIRS, description=None, notation="SNV-VP") -> bytes:
    return build_status(StatusPackage(
        response_for=ResponseFor(OURS, f"{number}/{notation}", ISSUED, document_id(OURS, ISSUED, number, notation)),
        sender=Organization(organ, organ_name="Sở Tài chính tỉnh B"), status_code=code, description=description,
        timestamp=at, staff_info=StaffInfo(staff="Trần Văn Thư")))


def receive(app, data: bytes, actor=None):
    with app.test_request_context():
        return receive_any(data, actor=actor)


def timeline(draft) -> list[str]:
    [line] = recipient_statuses(draft)
    return [step.code for step in line.timeline]


def test_statuses_build_the_recipients_timeline(app, db, make):
    document, draft = make_outgoing(db, make)
    first = receive(app, status("01", AT))
    assert (first.document_ids, first.status_code) == ([document.id], "01")
    receive(app, status("03", AT + timedelta(hours=2)))
    [line] = recipient_statuses(draft)
    assert [step.code for step in line.timeline] == ["01", "03"]
    assert (line.status_code, line.internal, line.slow) == ("03", False, False)
    row = db.session.scalars(select(ExternalRecipientStatus).order_by(ExternalRecipientStatus.id)).all()[-1]
    assert row.staff == "Trần Văn Thư" and row.at == AT + timedelta(hours=2)


def test_the_same_status_twice_is_kept_once(app, db, make):
    _document, draft = make_outgoing(db, make)
    data = status("03", AT)
    receive(app, data)
    again = receive(app, data)
    assert any("đã nhận trước đó" in warning for warning in again.warnings)
    assert timeline(draft) == ["03"]
    assert db.session.scalar(select(func.count()).select_from(ExternalRecipientStatus)) == 1


def test_a_late_status_takes_its_place_without_rewinding_the_current_one(app, db, make):
    _document, draft = make_outgoing(db, make)
    receive(app, status("05", AT + timedelta(hours=3)))
    receive(app, status("01", AT))
    receive(app, status("03", AT + timedelta(hours=1)))  # arrived last, happened second
    [line] = recipient_statuses(draft)
    assert [step.code for step in line.timeline] == ["01", "03", "05"] and line.status_code == "05"
    receive(app, status("02", AT + timedelta(hours=4), description="Không thuộc thẩm quyền"))
    [line] = recipient_statuses(draft)
    assert (line.status_code, line.note) == ("02", "Không thuộc thẩm quyền")


@pytest.mark.parametrize("data, reason", [
    (lambda: status("03", AT, number="999"), "không phải văn bản đi nào"),
    (lambda: status("03", AT, organ="000.00.77.H99"), "không có trong nơi nhận ngoài hệ thống"),
])
def test_a_status_for_an_unknown_document_or_recipient_is_refused(app, db, make, data, reason):
    make_outgoing(db, make)
    with pytest.raises(PackageRefused) as refused:
        receive(app, data())
    assert reason in " ".join(refused.value.reasons)
    assert db.session.scalar(select(func.count()).select_from(ExternalRecipientStatus)) == 0


def test_a_clerk_of_another_agency_cannot_bring_in_our_status(app, db, make):
    make_outgoing(db, make)
    stranger = make.user(agency=make.agency(), roles=("clerk",))
    with pytest.raises(PackageRefused, match="cơ quan khác"):
        receive(app, status("03", AT), actor=stranger)


def test_the_inbox_applies_statuses_and_answers_fail_for_an_unknown_one(app, db, make):
    assert app.config["EXCHANGE_IMPORT"] is received_package  # the inbox job has an import to run
    _document, draft = make_outgoing(db, make)
    db.session.commit()
    inbox = RecordingInbox({"s-1": status("03", AT), "s-2": status("03", AT, number="999")})
    with app.test_request_context():
        assert poll_inbox(inbox, received_package) == {"imported": 1, "refused": 1, "received": 0}
    assert sorted(inbox.acknowledged) == [("s-1", "done"), ("s-2", "fail")]
    assert timeline(draft) == ["03"]


def test_slow_acceptance_is_marked_on_the_page(app, db, make, login, client):
    document, draft = make_outgoing(db, make, recipients=((THEIRS, "Sở Tài chính tỉnh B"),
                                                          ("000.00.03.H38", "Sở Y tế tỉnh B")))
    receive(app, status("01", AT))  # Tuesday, and no 03 since: slow
    on_time = work_calendar().add_working_days(AT.date(), 1)
    receive(app, status("01", AT, organ="000.00.03.H38"))
    receive(app, status("03", datetime.combine(on_time, datetime.min.time(), VIETNAM).replace(hour=16),
                        organ="000.00.03.H38"))
    lines = {line.code: line for line in recipient_statuses(draft)}
    assert lines[THEIRS].slow and not lines["000.00.03.H38"].slow
    clerk = make.user(agency=document.agency, roles=("clerk",))
    db.session.commit()
    answer = client.get(f"/api/v1/documents/{document.id}/outgoing", headers=bearer_headers(client, clerk))
    listed = {r["code"]: r for r in answer.json["outgoing"]["recipients"]}
    assert (listed[THEIRS]["slow"], [s["code"] for s in listed["000.00.03.H38"]["timeline"]]) == (True, ["01", "03"])
    login(clerk)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert page.count("Chậm tiếp nhận") == 1 and "Đã tiếp nhận" in page and "qua trục liên thông" in page


def test_a_signed_status_is_judged_and_a_tampered_one_kept_with_a_warning(app, db, make):
    _document, draft = make_outgoing(db, make)
    seal = ensure_demo_pki(app.config["PKI_DIR"]).issue_organisation(THEIRS, "Sở Tài chính tỉnh B")
    signed = sign_package(status("02", AT, description="Gửi nhầm"), key=seal.private_key,
                          certificates=[seal.certificate, *seal.ca_chain])
    assert receive(app, signed).warnings == []
    tampered = signed.replace("Gửi nhầm".encode(), "Đồng ý".encode()).replace(b">02<", b">03<")
    warned = receive(app, tampered)
    assert any("Chữ ký số của gói trạng thái" in warning for warning in warned.warnings)
    assert timeline(draft) == ["02", "03"]
