"""Giao việc through the service layer: lanes, lane_owners, gateway, audit, conflicts."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.vietnam_time import vietnam_today
from app.workflow.errors import TaskConflict, TaskForbidden, WorkflowError
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task, start_instance

DUE = (vietnam_today() + timedelta(days=5)).isoformat()


def _task_for(db, user):
    rows = db.session.scalars(select(HumanTask).where(
        (HumanTask.assigned_user_id == user.id) | HumanTask.candidates.any(user_id=user.id))).all()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def office(make):
    agency = make.agency()
    return {"agency": agency, "leader": make.user(agency=agency, roles=("leader",)),
            "specialist": make.user(agency=agency, roles=("specialist",)),
            "other": make.user(agency=agency, roles=("specialist",))}


def test_assign_report_review_to_completion(deployed, office, db):
    leader, specialist = office["leader"], office["specialist"]
    instance = start_instance("assign_work", actor=leader)
    first = _task_for(db, leader)
    assert first.spec_id == "assign" and first.assigned_user_id == leader.id and first.lane == "Lãnh đạo"

    complete_task(first.task_uuid, {"work_title": "Tổng hợp báo cáo quý", "description": "Chi tiết",
                             "assignee": specialist.username, "due_date": DUE}, actor=leader)
    report = _task_for(db, specialist)
    assert report.spec_id == "report" and report.assigned_user_id == specialist.id
    assert instance.title == "Tổng hợp báo cáo quý"  # the case is named after the work once assigned
    assert report.due_at is not None and report.candidate_role == "specialist"
    with pytest.raises(TaskForbidden):
        complete_task(report.task_uuid, {"report_kind": "finished", "progress_note": "x"}, actor=office["other"])

    complete_task(report.task_uuid, {"report_kind": "finished", "progress_note": "Đã xong"}, actor=specialist)
    review = _task_for(db, leader)
    assert review.spec_id == "review"
    complete_task(review.task_uuid, {"review_decision": "rework", "review_comment": "Bổ sung số liệu"}, actor=leader)
    again = _task_for(db, specialist)
    assert again.spec_id == "report"
    complete_task(again.task_uuid, {"report_kind": "finished", "progress_note": "Đã bổ sung"}, actor=specialist)
    complete_task(_task_for(db, leader).task_uuid, {"review_decision": "accept"}, actor=leader)

    db.session.refresh(instance)
    assert instance.status == "completed" and instance.completed_at is not None
    assert db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all() == []
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_completed")
                                .order_by(AuditEvent.seq)).all()
    assert [e.data["task_spec"] for e in events] == ["assign", "report", "review", "report", "review"]
    assert events[0].data["data"]["assignee"] == specialist.username
    assert verify_chain().intact
    assert len(instance.state_json) < 10_000  # state only, the spec is stored once per version


def test_extension_moves_the_deadline(deployed, office, db):
    leader, specialist = office["leader"], office["specialist"]
    start_instance("assign_work", actor=leader)
    complete_task(_task_for(db, leader).task_uuid, {"work_title": "Rà soát thủ tục", "description": "…",
                                             "assignee": specialist.username, "due_date": DUE}, actor=leader)
    complete_task(_task_for(db, specialist).task_uuid, {"report_kind": "extension", "progress_note": "Cần thêm thời gian"},
                  actor=specialist)
    decide = _task_for(db, leader)
    assert decide.spec_id == "decide_extension"
    later = (vietnam_today() + timedelta(days=12)).isoformat()
    complete_task(decide.task_uuid, {"extension_granted": True, "new_due_date": later}, actor=leader)
    report = _task_for(db, specialist)
    assert report.spec_id == "report" and report.due_at.date() >= date.fromisoformat(later) - timedelta(days=1)


def test_second_completion_of_the_same_task_is_a_conflict(deployed, office, db):
    leader = office["leader"]
    start_instance("assign_work", actor=leader)
    first = _task_for(db, leader)
    task_id = first.task_uuid
    complete_task(task_id, {"work_title": "Việc thứ nhất", "description": "…",
                            "assignee": office["specialist"].username, "due_date": DUE}, actor=leader)
    with pytest.raises(TaskConflict) as conflict:
        complete_task(task_id, {"work_title": "Việc thứ hai", "description": "…",
                                "assignee": office["other"].username, "due_date": DUE}, actor=leader)
    assert conflict.value.status == 409


def test_only_leaders_and_unit_heads_may_start(deployed, office):
    with pytest.raises(TaskForbidden):
        start_instance("assign_work", actor=office["specialist"])
    with pytest.raises(WorkflowError):
        start_instance("khong_co", actor=office["leader"])


def test_instances_belong_to_the_starters_agency(deployed, office, db):
    instance = start_instance("assign_work", actor=office["leader"])
    assert db.session.get(ProcessInstance, instance.id).agency_id == office["agency"].id
