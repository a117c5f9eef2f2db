"""Replay re-executes an instance from the record and says "khớp", or names the first event that differs."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.documents.models import Document
from app.jobs.timers import fire_due_timers
from app.vietnam_time import vietnam_today
from app.workflow.engine import state_to_json
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.replay import replay
from app.workflow.runtime import complete_task
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting_runtime import work_calendar

from ..workflow.engine_clock import shift_engine_clock
from .outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft, task_of


def _task(db, instance_id, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).first()


def _replayed(app, db, instance_id):
    db.session.expire_all()
    with app.test_request_context():
        return replay(db.session.get(ProcessInstance, instance_id))


def _edit_recorded_value(db, instance_id, spec_id, key, value, *, drop_digest=False) -> AuditEvent:
    """What someone with write access to the database could do: change a submitted value in the record
    (and remove the digest of the task's data after it, so the replayed data has nothing to differ from)."""
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event_type == "task_completed", AuditEvent.data["task_spec"].as_string() == spec_id,
        AuditEvent.data["instance_id"].as_integer() == instance_id)).one()
    changed = json.loads(json.dumps(event.data))
    changed["data"][key] = value
    if drop_digest:
        del changed["task_data_sha256"]
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(data=changed))
    return event


def _incoming_path(app, db, office, bring_in, monkeypatch):
    document = bring_in(office).document
    (lead, lead_head, lead_specialist), (support, support_head, support_specialist) = office.units
    due = work_calendar().add_working_days(vietnam_today(), 3)
    complete_task(_task(db, document.instance_id, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_task(db, document.instance_id, "assign").task_uuid, {
        "directing_opinion": "Chủ trì", "lead_department_id": lead.id, "support_department_ids": [support.id],
        "due_date": due.isoformat()}, actor=office.leader)
    complete_task(_task(db, document.instance_id, "dispatch_lead").task_uuid, {"specialist": lead_specialist.username},
                  actor=lead_head)
    complete_task(_task(db, document.instance_id, "dispatch_support").task_uuid,
                  {"specialist": support_specialist.username}, actor=support_head)
    reminder_at = datetime.fromisoformat(iso_end_of_day(work_calendar().add_working_days(due, -1))).astimezone(
        timezone.utc) + timedelta(seconds=1)
    shift_engine_clock(monkeypatch, reminder_at)
    assert fire_due_timers(reminder_at) == 1
    complete_task(_task(db, document.instance_id, "contribute").task_uuid, {"contribution": "Số liệu"},
                  actor=support_specialist)
    complete_task(_task(db, document.instance_id, "handle").task_uuid,
                  {"handling_action": "finish", "handling_note": "Xong", "reply_reference": "45/SNV"},
                  actor=lead_specialist)
    return document


def test_an_incoming_document_with_supports_and_a_timer_replays_to_a_match(app, db, office, bring_in, monkeypatch):
    document = _incoming_path(app, db, office, bring_in, monkeypatch)
    assert document.status_code == "06"
    result = _replayed(app, db, document.instance_id)
    assert result.matches, (result.divergent_seq, result.problem)
    assert result.events >= 8


def test_an_outgoing_document_returned_then_signed_and_released_replays_to_a_match(app, db, make, deployed):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "review_content").task_uuid,
                      {"decision": "return", "comment": "Sửa lại"}, actor=sender.unit_head)
        complete_task(task_of(db, instance_id, "draft").task_uuid, {"body": "Nội dung mới.\nTrân trọng./."},
                      actor=sender.specialist)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    result = _replayed(app, db, instance_id)
    assert result.matches, (result.divergent_seq, result.problem)
    received = db.session.scalars(select(Document).where(Document.source_document_id.isnot(None))).one()
    assert _replayed(app, db, received.instance_id).matches  # the recipient's process, started by the release


def test_an_edited_form_value_in_the_record_is_reported_at_its_event(app, db, office, bring_in, monkeypatch):
    document = _incoming_path(app, db, office, bring_in, monkeypatch)
    event = _edit_recorded_value(db, document.instance_id, "assign", "directing_opinion", "Ý kiến đã bị sửa")
    result = _replayed(app, db, document.instance_id)
    assert not result.matches and result.divergent_seq == event.seq
    assert "directing_opinion: Ý kiến đã bị sửa" in result.details


def test_an_edited_stored_state_is_reported_as_a_state_mismatch(app, db, office, bring_in):
    document = bring_in(office).document
    complete_task(_task(db, document.instance_id, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    instance = db.session.get(ProcessInstance, document.instance_id)
    workflow = load_workflow(instance, None)
    [assign] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    assign.data["due_date"] = "2099-12-31"  # someone moved the deadline in the database
    instance.state_json = state_to_json(workflow)
    db.session.flush()
    result = _replayed(app, db, document.instance_id)
    assert not result.matches and "Trạng thái đang lưu" in result.problem


def test_auditors_replay_from_the_history_page_the_api_and_the_command_line(app, db, office, bring_in, login,
                                                                           client, monkeypatch):
    from ..factories import Factory

    document = _incoming_path(app, db, office, bring_in, monkeypatch)
    auditor = Factory(db).user(agency=office.agency, roles=("auditor",))
    login(auditor)
    page = client.get(f"/kiem-toan/ho-so/{document.instance_id}?phat_lai=1").get_data(as_text=True)
    assert "Khớp:" in page and "sự kiện phát lại đúng như nhật ký" in page
    token = client.post("/api/v1/auth/login", json={"username": auditor.username,
                                                    "password": Factory.PASSWORD}).get_json()["token"]
    answer = client.post(f"/api/v1/instances/{document.instance_id}/replay",
                         headers={"Authorization": f"Bearer {token}"}).get_json()
    assert answer["matches"] is True and answer["events"] >= 8

    event = _edit_recorded_value(db, document.instance_id, "contribute", "contribution", "Đã sửa")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "replay", "--instance", str(document.instance_id)])
    assert result.exit_code == 1 and "1 không khớp" in result.output and f"số {event.seq}" in result.output
    listed = client.get("/kiem-toan/ho-so?phat_lai=khong-khop").get_data(as_text=True)
    assert f"/kiem-toan/ho-so/{document.instance_id}" in listed


def _finished_assignment(db, make, *, cancelled=False) -> ProcessInstance:
    """Giao việc done to the end (assigned, reported, accepted), or cancelled once reported."""
    from app.workflow.case_changes import cancel_instance
    from app.workflow.runtime import start_instance

    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",))
    instance = start_instance("assign_work", actor=leader)
    complete_task(_task(db, instance.id, "assign").task_uuid, {
        "work_title": "Rà soát thủ tục", "description": "Toàn bộ", "assignee": specialist.username,
        "due_date": (vietnam_today() + timedelta(days=5)).isoformat()}, actor=leader)
    complete_task(_task(db, instance.id, "report").task_uuid, {"report_kind": "finished", "progress_note": "Đã xong"},
                  actor=specialist)
    if cancelled:
        assert cancel_instance(instance.id, actor=leader, reason="Không cần nữa")
    else:
        complete_task(_task(db, instance.id, "review").task_uuid,
                      {"review_decision": "accept", "review_comment": "Tốt"}, actor=leader)
    assert instance.status == ("cancelled" if cancelled else "completed")
    return instance


@pytest.mark.parametrize("cancelled", [False, True], ids=["completed", "cancelled"])
def test_an_edited_stored_state_of_an_ended_case_is_reported(app, db, make, deployed, cancelled):
    instance = _finished_assignment(db, make, cancelled=cancelled)
    assert _replayed(app, db, instance.id).matches
    workflow = load_workflow(instance, None)
    [report] = [t for t in workflow.get_tasks() if t.task_spec.name == "report"]
    report.data["progress_note"] = "Chưa làm gì"  # someone rewrote the finished case's record in the database
    instance.state_json = state_to_json(workflow)
    db.session.flush()
    result = _replayed(app, db, instance.id)
    assert not result.matches and "Trạng thái đang lưu" in result.problem and "report" in result.problem


def test_an_edited_last_value_whose_digest_was_removed_is_reported(app, db, make, deployed):
    instance = _finished_assignment(db, make)
    event = _edit_recorded_value(db, instance.id, "review", "review_comment", "Không đạt", drop_digest=True)
    result = _replayed(app, db, instance.id)
    assert not result.matches and result.divergent_seq == event.seq and "mã băm" in result.problem
