"""The document's "Quá trình xử lý": every person's step with what they said, as the people concerned read it."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.documents.models import Document
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task

from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft


def _only_task(db, instance_id: int) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)).one()


def _dispatched(office, bring_in, db, app, **overrides):
    """Registered, assigned by the leader with a directing opinion, dispatched by the unit head with a note."""
    document = bring_in(office, **overrides).document
    unit, head, specialist = office.units[0]
    with app.test_request_context():
        complete_task(_only_task(db, document.instance_id).task_uuid, {"route": "leader"}, actor=office.clerk)
        complete_task(_only_task(db, document.instance_id).task_uuid, {
            "lead_department_id": unit.id, "directing_opinion": "Giao Phòng Tổ chức tham mưu, báo cáo trước hạn.",
            "due_date": (vietnam_today() + timedelta(days=5)).isoformat()}, actor=office.leader)
        complete_task(_only_task(db, document.instance_id).task_uuid, {
            "specialist": specialist.username, "dispatch_note": "Đồng chí rà soát số liệu quý IV, dự thảo trả lời."},
            actor=head)
    return document


def _panel(html: str) -> str:
    return html[html.index('id="timeline-title"'):]


def test_the_specialist_reads_the_unit_heads_dispatch_note_and_the_leaders_opinion_once(
        office, bring_in, login, client, db, app):
    document = _dispatched(office, bring_in, db, app)
    _unit, head, specialist = office.units[0]
    login(specialist)
    panel = _panel(client.get(f"/van-ban/{document.id}").get_data(as_text=True))
    assert "Giao xử lý (đơn vị chủ trì)" in panel and "Ý kiến giao việc" in panel
    assert "Đồng chí rà soát số liệu quý IV, dự thảo trả lời." in panel and head.full_name in panel
    # The chosen specialist by name, never the username the form recorded.
    assert f"<dd class=\"col-sm-8 mb-0 text-break\" style=\"white-space: pre-line\">{specialist.full_name}</dd>" in panel
    assert specialist.username not in panel
    # Said once: the step shows it, the operator's note for the registers is not listed again.
    assert panel.count("Giao Phòng Tổ chức tham mưu, báo cáo trước hạn.") == 1
    assert "Trình lãnh đạo phân công" in panel  # the clerk's choice by the form's words, not "leader"


def test_a_secret_documents_opinions_stay_with_its_people(office, bring_in, login, client, db, app, make, post_form):
    document = _dispatched(office, bring_in, db, app, secrecy="1", subject="Phương án bảo vệ bí mật")
    login(make.user(agency=office.agency, roles=("specialist",)))
    assert client.get(f"/van-ban/{document.id}").status_code == 404
    post_form("/", "/dang-xuat")
    login(office.units[0][2])
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Đồng chí rà soát số liệu quý IV" in _panel(page) and "Mật" in page


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def test_outgoing_panel_lists_approval_format_check_signing_and_release(app, db, sender, login, client):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    login(sender.specialist)
    panel = _panel(client.get(f"/van-ban/{document.id}").get_data(as_text=True))
    steps = re.findall(r'<span class="fw-semibold">([^<]+)</span>', panel)
    assert steps == ["Soạn dự thảo văn bản đi", "Duyệt nội dung dự thảo", "Kiểm tra thể thức", "Ký số văn bản",
                     "Cấp số, đóng dấu và phát hành"], steps
    assert panel.count("Đồng ý, chuyển bước tiếp theo") == 2 and "Ký số và chuyển văn thư phát hành" in panel
    assert sender.leader.full_name in panel and sender.clerk.full_name in panel
