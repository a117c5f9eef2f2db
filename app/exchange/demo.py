"""Demo documents from ministries that came in as edXML packages, so a new user sees liên thông at work.

Each is a real Decree 30 letter, signed (PAdES) and wrapped in a package whose header is signed (XML-DSig)
with a demo certificate of the ministry, then received through `import_package` like any package. One is
messy the way real packages are (a number that is not a number), so its warning shows on the document.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.documents.models import Document
from app.documents.outgoing.models import OutgoingRecipient
from app.extensions import db
from app.rendering.jinja import environment_renderer
from app.rendering.pdf import render_pdf
from app.signing.demo_pki import ensure_demo_pki
from app.signing.pades import sign_pdf
from app.vietnam_time import VIETNAM, vietnam_today

from .dispatch import receive_any
from .edxml import (
    Attachment,
    Code,
    DocumentPackage,
    DocumentType,
    Organization,
    OtherInfo,
    PromulgationInfo,
    ResponseFor,
    SignerInfo,
    StatusPackage,
    TraceHeader,
    build_package,
    build_status,
    document_id,
)
from .edxml.signature import sign_package
from .importing import import_package
from .sending import document_edxml_id


@dataclass(frozen=True)
class DemoPackage:
    sender: tuple[str, str]  # mã định danh, name
    to: tuple[str, str]  # the demo province's codes (app.directory.demo.agencies: VPUBND 01, SNV 02, STC 03)
    number: str
    notation: str
    subject: str
    paragraph: str
    signer: tuple[str, str, str]  # authority, position, full name
    priority: int = 0
    messy_number: bool = False


PACKAGES = (
    DemoPackage(("000.00.00.G22", "Văn phòng Chính phủ"), ("000.00.00.H63", "Ủy ban nhân dân tỉnh Yên Bái"),
                "8125", "VPCP-KSTT", "V/v triển khai kết nối, liên thông văn bản điện tử qua Trục liên thông văn "
                "bản quốc gia", "Văn phòng Chính phủ đề nghị Ủy ban nhân dân tỉnh chỉ đạo các cơ quan, đơn vị "
                "gửi, nhận văn bản điện tử qua Trục liên thông văn bản quốc gia và báo cáo kết quả.",
                ("KT. BỘ TRƯỞNG, CHỦ NHIỆM", "Phó Chủ nhiệm", "Trần Văn Lộc"), priority=1),
    DemoPackage(("000.00.00.G09", "Bộ Nội vụ"), ("000.00.02.H63", "Sở Nội vụ tỉnh Yên Bái"),
                "5431", "BNV-VTLTNN", "V/v hướng dẫn lập hồ sơ và nộp lưu hồ sơ, tài liệu điện tử",
                "Bộ Nội vụ hướng dẫn việc lập hồ sơ điện tử và nộp lưu hồ sơ, tài liệu điện tử vào Lưu trữ "
                "cơ quan theo Nghị định số 30/2020/NĐ-CP.",
                ("KT. BỘ TRƯỞNG", "Thứ trưởng", "Nguyễn Minh Khôi"), messy_number=True),
    DemoPackage(("000.00.00.G12", "Bộ Tài chính"), ("000.00.03.H63", "Sở Tài chính tỉnh Yên Bái"),
                "10275", "BTC-NSNN", "V/v báo cáo tình hình thực hiện dự toán ngân sách địa phương",
                "Bộ Tài chính đề nghị Sở Tài chính tổng hợp, báo cáo tình hình thực hiện dự toán ngân sách "
                "địa phương năm nay trước ngày 15 tháng cuối quý.",
                ("KT. BỘ TRƯỞNG", "Thứ trưởng", "Đỗ Thanh Bình")),
)


def seed_demo_packages() -> int:
    """Receive the demo packages and the Government Office's statuses about the demo letter sent to it
    (flushes; the caller commits); returns how many documents the packages made."""
    config = current_app.config
    pki = ensure_demo_pki(Path(config["PKI_DIR"]))
    render = environment_renderer()
    made = 0
    for demo in PACKAGES:
        seal = pki.issue_organisation(*demo.sender)
        day = vietnam_today()
        pdf = sign_pdf(_letter(render, demo, day), seal)
        data = sign_package(build_package(_package(demo, day, pdf)), key=seal.private_key,
                            certificates=[seal.certificate, *seal.ca_chain])
        made += len(import_package(data, actor=None).document_ids)
    _statuses_from_the_government_office(pki)
    return made


def _statuses_from_the_government_office(pki) -> None:
    """The demo letter released to Văn phòng Chính phủ (outside) came back at 01, then 03 (its package
    itself waits in the outbox: the demo has no axis)."""
    code, name = PACKAGES[0].sender
    recipient = db.session.scalars(select(OutgoingRecipient).where(OutgoingRecipient.code == code)).first()
    if recipient is None:
        return
    document = db.session.get(Document, recipient.draft_id)
    seal = pki.issue_organisation(code, name)
    arrived = datetime.now(VIETNAM).replace(microsecond=0) - timedelta(hours=3)
    for status_code, at in (("01", arrived), ("03", arrived + timedelta(hours=1))):
        status = StatusPackage(
            response_for=ResponseFor(organ_id=document.agency.code, code=document.symbol,
                                     promulgation_date=document.document_date, document_id=document_edxml_id(document)),
            sender=Organization(code, organ_name=name), status_code=status_code, timestamp=at)
        receive_any(sign_package(build_status(status), key=seal.private_key,
                                 certificates=[seal.certificate, *seal.ca_chain]), actor=None)


def _letter(render, demo: DemoPackage, day: date) -> bytes:
    authority, position, name = demo.signer
    return render_pdf(render(
        "print/official_letter.html", parent_agency=None, agency_name=demo.sender[1], number=demo.number,
        symbol=demo.notation, place="Hà Nội", issued_on=day, type_name=None, subject=demo.subject,
        addressees=[demo.to[1]], paragraphs=[demo.paragraph], recipients=["Như trên;", "Lưu: VT."],
        authority=authority, signer_position=position, signer_name=name))


def _package(demo: DemoPackage, day: date, pdf: bytes) -> DocumentPackage:
    authority, position, name = demo.signer
    return DocumentPackage(
        sender=Organization(demo.sender[0], organ_name=demo.sender[1]), to=[Organization(*demo.to)],
        document_id=document_id(demo.sender[0], day, demo.number, demo.notation),
        # A number with a letter, as some real senders write it: the clerk is warned.
        code=Code(f"{demo.number}a" if demo.messy_number else demo.number, demo.notation), promulgation=PromulgationInfo("Hà Nội", day),
        document_type=DocumentType(1, 0, "Công văn"), subject=demo.subject, signer=SignerInfo(authority, position, name),
        to_places=[demo.to[1]], other_info=OtherInfo(priority=demo.priority, page_amount=1),
        trace_headers=[TraceHeader(demo.sender[0], datetime.now(VIETNAM).replace(microsecond=0))],
        attachments=[Attachment("cid:1", f"{demo.number}-{demo.notation}.pdf", pdf, "application/pdf")])
