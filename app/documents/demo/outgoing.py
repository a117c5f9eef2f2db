"""Demo outgoing documents of the Văn phòng UBND tỉnh, one at every stage, driven through the real process.

The demo leaders and clerks of the offices involved get DEMO keys first (people's PIN: DEMO_SIGNING_PIN).
Each draft goes as far as its stage through the services people use, so every signature, number and
recipient status is real: returned with a comment, waiting for each review, waiting for the signer
(lanhdao.ubnd can sign it live), signed and waiting for the clerk, released to Sở Nội vụ and others,
whose clerks have received, registered or refused them, and one recalled (vanthu.snv decides).
"""
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.directory.models import Agency, User, UserRole
from app.directory.roles import CLERK, FORMAT_CHECKER, LEADER, SPECIALIST, UNIT_HEAD
from app.extensions import db
from app.signing.demo_keys import issue_demo_agency_key, issue_demo_person_key
from app.signing.demo_pki import ensure_demo_pki
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task, start_instance
from app.workflow.signing_tasks import sign_and_complete

from ..models import Document
from ..outgoing.recall import request_recall

SENDER = "VPUBND"
RECEIVERS = ("SNV", "STC", "STP")


@dataclass(frozen=True)
class DemoDraft:
    doc_type: str
    subject: str
    body: str
    recipients: tuple[str, ...]  # short names
    stage: str  # how far it goes: see _drive
    urgency: int = 0
    authority: str = "TL."
    authority_of: str = "Chủ tịch"
    external: str = ""  # "mã định danh - tên" lines of recipients outside the installation (via the axis)


DRAFTS = (
    DemoDraft("CV", "Đề nghị báo cáo kết quả thực hiện cải cách hành chính năm 2026",
              "Thực hiện Kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân tỉnh, Văn phòng UBND tỉnh đề nghị "
              "các cơ quan báo cáo kết quả thực hiện, gửi về Văn phòng trước ngày 15 tháng 12 năm 2026.\n"
              "Trân trọng./.", ("SNV", "STC", "STP"), "released_mixed",
              external="000.00.00.G22 - Văn phòng Chính phủ"),
    DemoDraft("GM", "Mời dự hội nghị tổng kết công tác văn thư, lưu trữ năm 2026",
              "Văn phòng UBND tỉnh trân trọng kính mời đại diện lãnh đạo Sở Nội vụ dự hội nghị tổng kết công tác "
              "văn thư, lưu trữ năm 2026.\nThời gian: 08 giờ 00 phút, ngày 18 tháng 12 năm 2026.\n"
              "Địa điểm: Hội trường tầng 3, trụ sở Ủy ban nhân dân tỉnh.", ("SNV",), "released", urgency=1),
    DemoDraft("TB", "Kết luận của Chủ tịch UBND tỉnh tại buổi làm việc về chuyển đổi số",
              "Ngày 20 tháng 11 năm 2026, Chủ tịch Ủy ban nhân dân tỉnh đã làm việc về tiến độ chuyển đổi số.\n"
              "Chủ tịch UBND tỉnh kết luận các nội dung sau:\n"
              "1. Sở Nội vụ hoàn thành kết nối liên thông văn bản với các xã trong tháng 12 năm 2026.\n"
              "2. Các sở, ngành sử dụng chữ ký số cho 100% văn bản đi.", ("SNV",), "issuing"),
    DemoDraft("QĐ", "Về việc kiện toàn Tổ công tác chuyển đổi số của Văn phòng UBND tỉnh",
              "CHÁNH VĂN PHÒNG UBND TỈNH\nCăn cứ Quyết định số 15/2024/QĐ-UBND của Ủy ban nhân dân tỉnh;\n"
              "QUYẾT ĐỊNH:\nĐiều 1. Kiện toàn Tổ công tác chuyển đổi số của Văn phòng UBND tỉnh.\n"
              "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", ("SNV",), "signing", authority="",
              authority_of=""),
    DemoDraft("KH", "Kế hoạch kiểm tra công tác văn thư, lưu trữ năm 2027",
              "I. MỤC ĐÍCH, YÊU CẦU\nĐánh giá việc thực hiện Nghị định số 30/2020/NĐ-CP tại các cơ quan.\n"
              "II. NỘI DUNG KIỂM TRA\nViệc lập, ban hành và quản lý văn bản điện tử.", ("SNV", "STC"), "format_check"),
    DemoDraft("BC", "Báo cáo tình hình tiếp nhận văn bản điện tử quý IV năm 2026",
              "Trong quý IV năm 2026, Văn phòng UBND tỉnh đã tiếp nhận văn bản điện tử qua hệ thống liên thông.",
              ("SNV",), "content_review"),
    DemoDraft("CV", "Đề nghị cung cấp số liệu biên chế năm 2026",
              "Văn phòng UBND tỉnh đề nghị Sở Nội vụ cung cấp số liệu biên chế công chức năm 2026.", ("SNV",),
              "recalled"),
    DemoDraft("CV", "Góp ý dự thảo Quy chế quản lý văn bản điện tử của tỉnh",
              "Văn phòng UBND tỉnh gửi dự thảo Quy chế quản lý văn bản điện tử, đề nghị các cơ quan góp ý.",
              ("SNV", "STP"), "returned"),
)


class _People:
    def __init__(self):
        self.pki = ensure_demo_pki(Path(current_app.config["PKI_DIR"]))
        self.agencies = {a.short_name: a for a in db.session.scalars(
            select(Agency).where(Agency.short_name.in_((SENDER, *RECEIVERS))).order_by(Agency.id.desc()))}

    def first(self, short_name: str, role: str) -> User:
        return db.session.scalars(select(User).join(UserRole).where(
            User.agency_id == self.agencies[short_name].id, UserRole.role == role, User.active.is_(True))
            .order_by(User.id)).first()

    def issue_keys(self) -> int:
        """DEMO keys for every leader of the offices involved, and their seal keys."""
        config = current_app.config
        issued = 0
        for agency in self.agencies.values():
            issue_demo_agency_key(self.pki, agency, config["SIGNING_KEY_PASSPHRASE"])
            for leader in db.session.scalars(select(User).join(UserRole).where(
                    User.agency_id == agency.id, UserRole.role == LEADER, User.active.is_(True))):
                issue_demo_person_key(self.pki, leader, agency.name, config["DEMO_SIGNING_PIN"])
                issued += 1
        return issued


def _task(instance_id: int, spec_id: str) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def _drive(people: _People, draft: DemoDraft) -> Document:
    specialist, head = people.first(SENDER, SPECIALIST), people.first(SENDER, UNIT_HEAD)
    checker, leader, clerk = people.first(SENDER, FORMAT_CHECKER), people.first(SENDER, LEADER), people.first(
        SENDER, CLERK)
    instance = start_instance("outgoing_document", actor=specialist)
    complete_task(_task(instance.id, "draft").task_uuid, {
        "doc_type": draft.doc_type, "subject": draft.subject, "body": draft.body,
        "recipients": [people.agencies[name].code for name in draft.recipients], "signer": leader.username,
        "authority": draft.authority, "authority_of": draft.authority_of, "urgency": draft.urgency, "secrecy": 0,
        "external_recipients": draft.external},
        actor=specialist)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance.id)).one()
    if draft.stage == "content_review":
        return document
    if draft.stage == "returned":
        complete_task(_task(instance.id, "review_content").task_uuid, {
            "decision": "return", "comment": "Bổ sung thời hạn góp ý và đầu mối liên hệ."}, actor=head)
        return document
    complete_task(_task(instance.id, "review_content").task_uuid, {"decision": "approve", "comment": None}, actor=head)
    if draft.stage == "format_check":
        return document
    complete_task(_task(instance.id, "check_format").task_uuid, {"decision": "approve", "comment": None},
                  actor=checker)
    if draft.stage == "signing":
        return document
    sign_and_complete(_task(instance.id, "sign").task_uuid, {"decision": "sign", "comment": None}, actor=leader,
                      pin=current_app.config["DEMO_SIGNING_PIN"])
    if draft.stage == "issuing":
        return document
    sign_and_complete(_task(instance.id, "issue").task_uuid, {}, actor=clerk, pin="")
    if draft.stage == "released_mixed":
        _answer_at_recipients(people, document)
    if draft.stage == "recalled":  # vanthu.snv finds the request in "Việc của tôi"
        request_recall(document, actor=clerk, reason="Số liệu đề nghị cung cấp chưa đúng kỳ báo cáo; sẽ gửi văn bản thay thế.")
    return document


def _answer_at_recipients(people: _People, document: Document) -> None:
    """Sở Nội vụ registers it, Sở Tài chính refuses it with a reason, Sở Tư pháp has not looked yet."""
    received = {d.agency_id: d for d in db.session.scalars(
        select(Document).where(Document.source_document_id == document.id))}
    registering = received[people.agencies["SNV"].id]
    clerk = people.first("SNV", CLERK)
    complete_task(_task(registering.instance_id, "receive").task_uuid, {"receive_decision": "accept"}, actor=clerk)
    complete_task(_task(registering.instance_id, "register").task_uuid, {"route": "leader"}, actor=clerk)
    refusing = received[people.agencies["STC"].id]
    complete_task(_task(refusing.instance_id, "receive").task_uuid, {
        "receive_decision": "refuse", "refusal_reason": "Nội dung không thuộc phạm vi báo cáo của Sở Tài chính."},
        actor=people.first("STC", CLERK))


def seed_demo_keys() -> int:
    """DEMO keys of the offices the demo documents go between, without the documents (the peer province's
    installation of the liên thông demo); returns how many people's keys were issued. Flushes only."""
    keys = _People().issue_keys()
    db.session.flush()
    return keys


def seed_demo_outgoing() -> tuple[int, int]:
    """Issue the demo keys and drive the demo drafts; returns (keys issued, documents). Flushes only."""
    people = _People()
    keys = people.issue_keys()
    documents = [_drive(people, draft) for draft in DRAFTS]
    db.session.flush()
    return keys, len(documents)
