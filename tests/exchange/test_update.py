"""Cập nhật across systems (BussinessDocType 2): an update package waits for the clerk of the document received
earlier; agreed, its header values and PDF replace the document's (the old ones kept) and 15 goes back;
refused, nothing changes and 16 goes back with the reason."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.documents.models import DocumentNote, DocumentUpdate
from app.exchange.dispatch import receive_any
from app.exchange.edxml import (
    Attachment,
    Bussiness,
    BussinessDocumentInfo,
    Receiver,
    SignerInfo,
    build_package,
)
from app.exchange.edxml.safe_xml import PackageRefused
from app.filestore import path_for
from app.workflow.errors import OperatorRefused
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task

from ..pdf_samples import minimal_pdf
from .test_import import package, stored_files
from .test_status_notices import codes_sent, received_from_ministry, receiver, statuses_sent  # noqa: F401  (the fixture)

NEW_SUBJECT = "V/v triển khai trục liên thông văn bản quốc gia (sửa đổi thời hạn)"
NEW_PDF = minimal_pdf("Cong van 7816 ban sua")


def update_package(*, subject=NEW_SUBJECT, number="7816", named_number="7816", due=date(2026, 12, 20),
                   reason="Sửa thời hạn báo cáo"):
    original = package(number=named_number)
    update = package(number=number, attachments=[Attachment("cid:1", "7816-VPCP-sua.pdf", NEW_PDF, "application/pdf")])
    update.subject, update.due_date = subject, due
    update.signer = SignerInfo(full_name="Trần Văn Sơn")
    update.bussiness = Bussiness(2, reason, BussinessDocumentInfo("1", "0", [Receiver("1", "000.00.12.H63")]),
                                 document_id=original.document_id)
    return build_package(update)


def decision_task(db, document) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.subject_id == str(document.id),
                                                      HumanTask.spec_id == "decide")).one()


def test_an_agreed_update_applies_the_changes_keeps_the_old_ones_and_answers_15(app, db, receiver, client, login):  # noqa: F811
    document = received_from_ministry(app, db)
    old_subject, old_main = document.subject, document.main_file
    data = update_package()
    with app.test_request_context():
        assert receive_any(data, actor=None).document_ids == [document.id]
    assert codes_sent(db) == ["01"]  # the request itself is not answered until the clerk decides
    task = decision_task(db, document)
    assert {c.user_id for c in task.candidates} == {receiver.clerk.id}

    login(receiver.clerk)
    page = client.get(f"/cong-viec/{task.task_uuid}").get_data(as_text=True)
    assert "Cập nhật thành" in page and NEW_SUBJECT in page and old_subject in page
    assert "20/12/2026" in page and "Trần Văn Sơn" in page and "7816-VPCP-sua.pdf" in page
    assert "DocumentInfo" in page and "Sửa thời hạn báo cáo" in page
    assert "7816/VPCP" not in page.split("Cập nhật thành", 1)[1].split("</table>", 1)[0]  # số/ký hiệu unchanged

    with app.test_request_context():
        complete_task(task.task_uuid, {"update_decision": "agree", "update_note": None}, actor=receiver.clerk)
    db.session.refresh(document)
    assert (document.subject, document.due_date, document.signer_name) == (NEW_SUBJECT, date(2026, 12, 20),
                                                                          "Trần Văn Sơn")
    assert document.status_code == "01"  # the document's own handling goes on
    assert document.main_file.name == "7816-VPCP-sua.pdf"
    assert path_for(Path(app.config["FILES_DIR"]), document.main_file.sha256).read_bytes() == NEW_PDF
    assert (old_main.role, old_main in document.files) == ("superseded", True)
    assert "sua doi thoi han" in document.search_text
    update = db.session.scalars(select(DocumentUpdate)).one()
    assert update.decision == "agreed" and update.previous["subject"] == old_subject
    assert path_for(Path(app.config["FILES_DIR"]), update.package_sha256).read_bytes() == data
    note = db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id)).one()
    assert note.kind == "update" and old_subject in note.text
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "document_updated")).one()
    assert event.data["previous"]["subject"] == old_subject and event.data["changes"]["subject"] == NEW_SUBJECT
    assert codes_sent(db) == ["01", "15"]
    assert statuses_sent(db)[-1].response_for.document_id == package().document_id
    shown = client.get(f"/van-ban/{document.id}").get_data(as_text=True)
    assert "Tệp trước khi cập nhật" in shown and f"/tep/{old_main.id}" in shown.split("Tệp trước khi cập nhật", 1)[1]


def test_a_refused_update_keeps_the_document_and_answers_16_with_the_reason(app, db, receiver):  # noqa: F811
    document = received_from_ministry(app, db)
    before = (document.subject, document.due_date, document.main_file.sha256)
    with app.test_request_context():
        receive_any(update_package(), actor=None)
        task = decision_task(db, document)
        with pytest.raises(OperatorRefused, match="Nêu lý do"):
            complete_task(task.task_uuid, {"update_decision": "refuse", "update_note": " "}, actor=receiver.clerk)
        complete_task(decision_task(db, document).task_uuid,
                      {"update_decision": "refuse", "update_note": "Đã phân công xử lý theo thời hạn cũ"},
                      actor=receiver.clerk)
    db.session.refresh(document)
    assert (document.subject, document.due_date, document.main_file.sha256) == before
    assert db.session.scalars(select(DocumentUpdate)).one().decision == "refused"
    answer = statuses_sent(db)[-1]
    assert (answer.status_code, answer.description) == ("16", "Đã phân công xử lý theo thời hạn cũ")


def test_an_update_of_a_document_never_received_is_refused_and_leaves_nothing(app, db, receiver):  # noqa: F811
    files = stored_files(app)
    with app.test_request_context(), pytest.raises(PackageRefused, match="chưa nhận văn bản .* đề nghị cập nhật"):
        receive_any(update_package(named_number="9999"), actor=None)
    assert db.session.scalar(select(func.count()).select_from(DocumentUpdate)) == 0
    assert stored_files(app) == files


def test_the_same_update_twice_adds_nothing(app, db, receiver):  # noqa: F811
    document = received_from_ministry(app, db)
    data = update_package()
    with app.test_request_context():
        receive_any(data, actor=None)
        again = receive_any(data, actor=None)
    assert any("đã nhận gói cập nhật này" in w for w in again.warnings)
    assert db.session.scalar(select(func.count()).select_from(DocumentUpdate)) == 1
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
        ProcessInstance.process_id == "update_request")) == 1
    assert decision_task(db, document) is not None


def test_each_of_two_updates_gets_its_own_answer(app, db, receiver):  # noqa: F811
    document = received_from_ministry(app, db)
    with app.test_request_context():
        for subject in (NEW_SUBJECT, NEW_SUBJECT + " lần 2"):
            receive_any(update_package(subject=subject), actor=None)
            complete_task(db.session.scalars(select(HumanTask).where(
                HumanTask.subject_id == str(document.id), HumanTask.spec_id == "decide")).one().task_uuid,
                {"update_decision": "agree", "update_note": None}, actor=receiver.clerk)
    assert document.subject == NEW_SUBJECT + " lần 2"
    assert codes_sent(db) == ["01", "15", "15"]  # an answer is one per request, never held back as sent


def test_the_senders_text_is_shown_to_the_clerk_as_text(app, db, receiver, client, login):  # noqa: F811
    document = received_from_ministry(app, db)
    hostile = "[Bấm vào đây](http://evil.example) | cột thừa\n# Tiêu đề"
    with app.test_request_context():
        receive_any(update_package(subject=hostile, reason="**Khẩn**"), actor=None)
    login(receiver.clerk)
    page = client.get(f"/cong-viec/{decision_task(db, document).task_uuid}").get_data(as_text=True)
    assert "evil.example" in page and 'href="http://evil.example"' not in page
    assert "[Bấm vào đây](http://evil.example) | cột thừa # Tiêu đề" in page and "**Khẩn**" in page


def test_an_answered_update_replays(app, db, receiver):  # noqa: F811
    from app.workflow.replay import replay

    document = received_from_ministry(app, db)
    for decision, note in (("agree", None), ("refuse", "Không cập nhật")):
        with app.test_request_context():
            receive_any(update_package(subject=f"{NEW_SUBJECT} {decision}"), actor=None)
            task = db.session.scalars(select(HumanTask).where(HumanTask.subject_id == str(document.id),
                                                              HumanTask.spec_id == "decide")).one()
            complete_task(task.task_uuid, {"update_decision": decision, "update_note": note}, actor=receiver.clerk)
        db.session.expire_all()
        with app.test_request_context():
            result = replay(db.session.get(ProcessInstance, task.instance_id))
        assert result.matches, (result.divergent_seq, result.problem)


def test_an_agreed_new_due_date_moves_the_running_handlings_timers(app, db, receiver):  # noqa: F811
    """The reminder and overdue timers of the handling, computed from the old due date, follow the new one:
    the specialist keeps the task, the change is audited and the case still replays."""
    from app.workflow.replay import replay
    from app.workflow.scripting import iso_end_of_day
    from app.workflow.scripting_runtime import work_calendar

    from .test_status_notices import task

    document = received_from_ministry(app, db)
    complete_task(task(db, document, "receive").task_uuid, {"receive_decision": "accept"}, actor=receiver.clerk)
    complete_task(task(db, document, "register").task_uuid, {"route": "unit", "lead_department_id": receiver.unit.id},
                  actor=receiver.clerk)
    complete_task(task(db, document, "dispatch_lead").task_uuid, {"specialist": receiver.specialist.username},
                  actor=receiver.head)
    handling = task(db, document, "handle")
    old = _timers(db, document)
    assert set(old) == {"remind_before_deadline", "deadline_passed"}
    new_due = date(2027, 3, 10)
    with app.test_request_context():
        receive_any(update_package(due=new_due), actor=None)
        complete_task(decision_task(db, document).task_uuid, {"update_decision": "agree", "update_note": None},
                      actor=receiver.clerk)
    db.session.expire_all()
    assert db.session.get(type(document), document.id).due_date == new_due
    moved = _timers(db, document)
    assert moved["deadline_passed"] == _utc(iso_end_of_day(new_due.isoformat()))
    assert moved["remind_before_deadline"] == _utc(iso_end_of_day(work_calendar().add_working_days(new_due, -1)))
    assert moved != old
    assert task(db, document, "handle").task_uuid == handling.task_uuid  # not interrupted
    assert task(db, document, "handle").due_at == moved["deadline_passed"]  # the inbox shows the new deadline
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "case_values_changed")).one()
    assert event.data["values"] == {"due_date": "2027-03-10"} and event.actor_id == receiver.clerk.id
    assert event.data["timers"] == ["deadline_passed", "remind_before_deadline"]
    with app.test_request_context():
        result = replay(db.session.get(ProcessInstance, document.instance_id))
    assert result.matches, (result.divergent_seq, result.problem)
    # The new date is in the case's data: the next handling task (after a progress note) keeps it.
    complete_task(handling.task_uuid, {"handling_action": "progress", "handling_note": "Đang làm"},
                  actor=receiver.specialist)
    assert _timers(db, document)["deadline_passed"] == moved["deadline_passed"]


def _timers(db, document) -> dict:
    from app.workflow.models import Timer

    return {row.spec_id: row.due_at for row in
            db.session.scalars(select(Timer).where(Timer.instance_id == document.instance_id))}


def _utc(iso: str):
    from datetime import datetime, timezone

    return datetime.fromisoformat(iso).astimezone(timezone.utc)
