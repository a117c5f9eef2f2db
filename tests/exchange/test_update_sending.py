"""Gửi cập nhật: a released document's clerk or leader sends one update package (BussinessDocType 2) with the
reason to the external recipients it went to; their 15/16 come back through the status receipt."""
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.documents.outgoing.update import send_update
from app.exchange.edxml import parse_package
from app.exchange.messages import OutboxMessage
from app.workflow.errors import OperatorRefused

from ..factories import bearer_headers
from .test_sending import EXTERNAL, GOVERNMENT_OFFICE, MINISTRY, released, sender  # noqa: F401  (the fixture)


def test_gui_cap_nhat_queues_one_update_package_to_the_external_recipients(app, db, sender, client, login):  # noqa: F811
    document = released(app, db, sender, external_recipients=EXTERNAL)
    with app.test_request_context():
        with pytest.raises(OperatorRefused, match="Nêu lý do"):
            send_update(document, actor=sender.clerk, reason="  ")
        with pytest.raises(OperatorRefused, match="văn thư hoặc lãnh đạo"):
            send_update(document, actor=sender.specialist, reason="Bổ sung phụ lục")
    login(sender.clerk)
    page = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Gửi cập nhật" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(f"/van-ban-di/{document.id}/cap-nhat", data={"reason": "Sửa lỗi chính tả ở trích yếu",
                                                                         "csrf_token": token})
    assert response.status_code == 302
    release_message, update_message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert update_message.recipient_codes == [GOVERNMENT_OFFICE, MINISTRY] and update_message.kind == "edoc"
    parsed = parse_package(update_message.package)
    assert parsed.has_signature
    bussiness = parsed.package.bussiness
    assert (bussiness.bussiness_doc_type, bussiness.bussiness_doc_reason) == (2, "Sửa lỗi chính tả ở trích yếu")
    assert bussiness.document_id == parse_package(release_message.package).package.document_id
    assert [r.organ_id for r in bussiness.document_info.receivers] == [GOVERNMENT_OFFICE, MINISTRY]
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_update_queued")).one()


def test_gui_cap_nhat_needs_a_recipient_outside(app, db, sender):  # noqa: F811
    document = released(app, db, sender)
    with app.test_request_context(), pytest.raises(OperatorRefused, match="ngoài hệ thống"):
        send_update(document, actor=sender.clerk, reason="Bổ sung phụ lục")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_recipients_15_comes_back_onto_the_senders_timeline(app, db, make, sender):  # noqa: F811
    """One database plays both systems: the external recipient's agency appears after the release, so the
    packages travel as bytes through receive_any both ways, as they would through the axis."""
    from app.documents.outgoing.models import OutgoingDraft
    from app.documents.outgoing.page import recipient_statuses
    from app.exchange.dispatch import receive_any
    from app.workflow.models import HumanTask
    from app.workflow.runtime import complete_task

    document = released(app, db, sender, external_recipients=EXTERNAL)
    office = make.agency(code=GOVERNMENT_OFFICE, name="Văn phòng Chính phủ")
    office_clerk = make.user(agency=office, roles=("clerk",))
    [release] = db.session.scalars(select(OutboxMessage)).all()
    with app.test_request_context():
        [copy_id] = receive_any(release.package, actor=None, to_code=GOVERNMENT_OFFICE).document_ids
        send_update(document, actor=sender.leader, reason="Bổ sung căn cứ pháp lý")
        update = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "edoc")
                                    .order_by(OutboxMessage.id.desc())).first()
        assert receive_any(update.package, actor=None, to_code=GOVERNMENT_OFFICE).document_ids == [copy_id]
        decide = db.session.scalars(select(HumanTask).where(HumanTask.subject_id == str(copy_id),
                                                            HumanTask.spec_id == "decide")).one()
        complete_task(decide.task_uuid, {"update_decision": "agree", "update_note": "Đã cập nhật"}, actor=office_clerk)
        for status in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status")
                                         .order_by(OutboxMessage.id)).all():
            receive_any(status.package, actor=None)
    line = next(r for r in recipient_statuses(db.session.get(OutgoingDraft, document.id)) if r.code == GOVERNMENT_OFFICE)
    assert [step.code for step in line.timeline] == ["01", "15"]
    assert (line.status_code, line.note) == ("15", "Đã cập nhật")


def test_gui_cap_nhat_through_the_api_as_every_role(app, db, make, sender, client):  # noqa: F811
    """The API route shares the web route's service: the issuing agency's clerk and leader send, the other
    roles are refused with the reason, another agency and the anonymous caller do not see the document."""
    document = released(app, db, sender, external_recipients=EXTERNAL)
    url = f"/api/v1/documents/{document.id}/update"
    body = {"reason": "Sửa lỗi chính tả ở trích yếu"}
    assert client.post(url, json=body).status_code == 401
    auditor = make.user(agency=sender.agency, roles=("auditor",))
    other_clerk = make.user(agency=make.agency(), roles=("clerk",))
    refused = {sender.specialist: 422, sender.unit_head: 422, sender.checker: 422, auditor: 403, other_clerk: 404,
               sender.recipient_clerk: 404}
    for user, status in refused.items():
        answer = client.post(url, headers=bearer_headers(client, user), json=body)
        assert answer.status_code == status, (user.username, answer.get_json())
        assert "error" in answer.get_json()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1  # the release's only
    as_clerk = bearer_headers(client, sender.clerk)
    blank = client.post(url, headers=as_clerk, json={"reason": " "})
    assert blank.status_code == 422 and "Nêu lý do" in blank.get_json()["error"]["message"]
    unknown = client.post(url, headers=as_clerk, json={**body, "files": []})
    assert unknown.status_code == 422 and "files" in unknown.get_json()["error"]["fields"]
    for user in (sender.clerk, sender.leader):
        sent = client.post(url, headers=bearer_headers(client, user), json=body)
        assert sent.status_code == 200, sent.get_json()
        assert sent.get_json()["asked"] == 2 and sent.get_json()["outgoing"]["stage"] == "released"
    updates = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[1:]
    assert [parse_package(m.package).package.bussiness.bussiness_doc_type for m in updates] == [2, 2]
    assert client.post("/api/v1/documents/987654/update", headers=as_clerk, json=body).status_code == 404
