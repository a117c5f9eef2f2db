"""Drafts as their authors meet them: a returned draft says who returned it and why; an abandoned one can be
given up ("Hủy dự thảo") while it waits for its author; an issued document is a "Văn bản đi"."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.documents.models import Document
from app.documents.outgoing.models import OutgoingDraft
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task

from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft, task_of


@pytest.fixture
def sender(app, make, deployed):
    return make_sender(app, make)


def _returned(app, db, sender) -> int:
    instance_id = start_draft(app, db, sender)
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "review_content").task_uuid,
                      {"decision": "return", "comment": "Bổ sung thời hạn báo cáo."}, actor=sender.unit_head)
    return instance_id


def _document(db, instance_id) -> Document:
    return db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()


def test_a_returned_draft_says_who_returned_it_and_why_until_it_is_sent_again(app, db, sender, login, client):
    instance_id = _returned(app, db, sender)
    document = _document(db, instance_id)
    login(sender.specialist)
    listed = client.get("/du-thao").get_data(as_text=True)
    assert "Bị trả lại" in listed and sender.unit_head.full_name in listed and "Bổ sung thời hạn báo cáo." in listed
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Bị trả lại" in page and f"bởi {sender.unit_head.full_name}" in page
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "draft").task_uuid, {"body": "Đã bổ sung.\nTrân trọng./."},
                      actor=sender.specialist)
    assert "Bị trả lại" not in client.get("/du-thao").get_data(as_text=True)
    assert "Bị trả lại" not in client.get(f"/van-ban/{document.id}").get_data(as_text=True)


def test_an_issued_document_is_under_van_ban_di_even_once_recalled(app, db, sender, login, client):
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = _document(db, instance_id)
    db.session.get(OutgoingDraft, document.id).stage = "recalled"
    db.session.commit()
    login(sender.specialist)
    crumbs = client.get(f"/van-ban/{document.id}").get_data(as_text=True).split('<ol class="breadcrumb">')[1]
    crumbs = crumbs.split("</ol>")[0]
    assert "Văn bản đi" in crumbs and "Dự thảo" not in crumbs


def _cancellations(db, instance_id):
    return [(e.actor_id, e.data.get("reason"), e.data.get("task_spec")) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.event_type == "instance_cancelled",
                                 AuditEvent.data["instance_id"].as_integer() == instance_id))]


def test_the_author_discards_a_draft_never_saved(app, db, sender, login, post_form, client):
    login(sender.specialist)
    started = post_form("/van-ban-di", "/quy-trinh/outgoing_document/khoi-tao")
    task_uuid = started.location.rsplit("/", 1)[1]
    page = client.get(f"/cong-viec/{task_uuid}").get_data(as_text=True)
    assert "Hủy dự thảo" in page and f"/cong-viec/{task_uuid}/huy" in page
    done = post_form(f"/cong-viec/{task_uuid}", f"/cong-viec/{task_uuid}/huy")
    assert done.status_code == 302
    row = db.session.scalars(select(HumanTask).where(HumanTask.task_uuid == task_uuid)).first()
    assert row is None  # gone from every inbox
    instance = db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id.desc())).first()
    assert instance.status == "cancelled"
    assert _cancellations(db, instance.id) == [(sender.specialist.id, "Hủy dự thảo", "draft")]


def test_a_returned_draft_is_discarded_by_its_author_and_leaves_the_drafts(app, db, sender, login, post_form, client):
    instance_id = _returned(app, db, sender)
    document = _document(db, instance_id)
    task_uuid = task_of(db, instance_id, "draft").task_uuid
    login(sender.specialist)
    post_form(f"/cong-viec/{task_uuid}", f"/cong-viec/{task_uuid}/huy")
    assert db.session.get(OutgoingDraft, document.id).stage == "discarded"
    assert document.subject not in client.get("/du-thao").get_data(as_text=True)
    assert "Đã hủy dự thảo" in client.get(f"/van-ban/{document.id}").get_data(as_text=True)


def test_a_draft_under_review_cannot_be_discarded_by_anyone(app, db, sender, login, post_form, client):
    instance_id = start_draft(app, db, sender)
    review = task_of(db, instance_id, "review_content").task_uuid
    login(sender.unit_head)
    assert "Hủy dự thảo" not in client.get(f"/cong-viec/{review}").get_data(as_text=True)
    refused = post_form(f"/cong-viec/{review}", f"/cong-viec/{review}/huy")
    assert refused.status_code == 302
    assert db.session.get(ProcessInstance, instance_id).status == "running"
    assert _cancellations(db, instance_id) == []
    post_form("/", "/dang-xuat")
    login(sender.specialist)  # the author is not the one the review waits for
    post_form("/van-ban-di", f"/cong-viec/{review}/huy")
    assert db.session.get(ProcessInstance, instance_id).status == "running"
