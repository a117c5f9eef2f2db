"""Giao việc timers: the reminder and the deadline are indexed, fired by the job, audited, non-interrupting."""
from datetime import datetime, timedelta, timezone

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.jobs.timers import fire_due_timers
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance, Timer
from app.workflow.runtime import complete_task, start_instance
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting import today as vn_today
from app.workflow.scripting_runtime import work_calendar

SECOND = timedelta(seconds=1)


@pytest.fixture
def office(make):
    agency = make.agency()
    return {"leader": make.user(agency=agency, roles=("leader",)),
            "specialist": make.user(agency=agency, roles=("specialist",))}


def _assign(db, office, due_date) -> ProcessInstance:
    instance = start_instance("assign_work", actor=office["leader"])
    first = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    complete_task(first.task_uuid, {"work_title": "Báo cáo tháng", "description": "…",
                                    "assignee": office["specialist"].username,
                                    "due_date": due_date.isoformat()}, actor=office["leader"])
    return instance


def _timers(db, instance) -> dict[str, datetime]:
    return {row.spec_id: row.due_at for row in
            db.session.scalars(select(Timer).where(Timer.instance_id == instance.id))}


def _branch_data(instance) -> dict:
    """Data the timer branches wrote (they run beside the report task, not in it)."""
    workflow = load_workflow(instance, None)
    data = {}
    for spec in ("mark_reminded", "mark_overdue"):
        for task in workflow.get_tasks(spec_name=spec, state=TaskState.COMPLETED):
            data.update({k: task.data[k] for k in ("reminded", "overdue") if k in task.data})
    return data


def _report_task(db, instance) -> HumanTask:
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()


def _timer_events(db):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "timer_fired")
                              .order_by(AuditEvent.seq)).all()


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def test_end_of_day_helper_is_vietnam_time():
    assert iso_end_of_day("2026-11-27") == "2026-11-27T23:59:59+07:00"
    assert _utc(iso_end_of_day("2026-11-27")) == datetime(2026, 11, 27, 16, 59, 59, tzinfo=timezone.utc)


def test_timers_are_indexed_then_fired_by_the_job_without_interrupting(deployed, office, db, engine_clock):
    due = work_calendar().add_working_days(vn_today(), 3)
    instance = _assign(db, office, due)
    reminder_at = _utc(iso_end_of_day(work_calendar().add_working_days(due, -1)))
    deadline_at = _utc(iso_end_of_day(due))
    assert _timers(db, instance) == {"remind_before_deadline": reminder_at, "deadline_passed": deadline_at}
    report = _report_task(db, instance)
    assert report.spec_id == "report" and report.due_at == deadline_at  # the inbox shows the same deadline
    assert fire_due_timers() == 0 and _timer_events(db) == []

    engine_clock(reminder_at + SECOND)
    assert fire_due_timers(reminder_at + SECOND) == 1
    db.session.refresh(instance)
    assert _branch_data(instance) == {"reminded": True}
    assert _timers(db, instance) == {"deadline_passed": deadline_at}
    [event] = _timer_events(db)
    assert event.actor_id is None and event.agency_id == instance.agency_id
    assert event.data == {"instance_id": instance.id, "timers": ["remind_before_deadline"],
                          "version_sha256": instance.version.content_sha256}
    assert instance.lock_version == 3  # assign, then the reminder

    engine_clock(deadline_at + SECOND)
    assert fire_due_timers(deadline_at + SECOND) == 1
    db.session.refresh(instance)
    assert _branch_data(instance) == {"reminded": True, "overdue": True}
    assert _timers(db, instance) == {}
    assert [e.data["timers"] for e in _timer_events(db)] == [["remind_before_deadline"], ["deadline_passed"]]
    # Non-interrupting: the assignee still has the same report task and can finish it late.
    assert _report_task(db, instance).task_uuid == report.task_uuid
    assert instance.status == "running"
    complete_task(report.task_uuid, {"report_kind": "finished", "progress_note": "Nộp muộn"},
                  actor=office["specialist"])
    assert _report_task(db, instance).spec_id == "review"
    assert verify_chain().intact


def test_timers_already_due_fire_with_the_step_that_creates_them(deployed, office, db):
    yesterday = vn_today() - timedelta(days=1)
    instance = _assign(db, office, yesterday)
    # SpiffWorkflow runs a timer that is due when it starts waiting in the same engine step.
    assert _branch_data(instance) == {"reminded": True, "overdue": True}
    assert _timers(db, instance) == {}
    [event] = _timer_events(db)
    assert sorted(event.data["timers"]) == ["deadline_passed", "remind_before_deadline"]
    assert event.actor_id is None
    assert _report_task(db, instance).spec_id == "report"
    assert fire_due_timers() == 0


def test_reminder_due_at_creation_fires_and_the_deadline_waits(deployed, office, db, engine_clock):
    due = work_calendar().add_working_days(vn_today(), 3)
    engine_clock(_utc(iso_end_of_day(work_calendar().add_working_days(due, -1))) + SECOND)
    instance = _assign(db, office, due)
    assert _branch_data(instance) == {"reminded": True}
    assert list(_timers(db, instance)) == ["deadline_passed"]


def test_completing_the_task_cancels_its_timers_and_an_extension_rearms_them(deployed, office, db):
    calendar = work_calendar()
    instance = _assign(db, office, calendar.add_working_days(vn_today(), 3))
    complete_task(_report_task(db, instance).task_uuid, {"report_kind": "extension", "progress_note": "…"},
                  actor=office["specialist"])
    assert _timers(db, instance) == {}
    later = calendar.add_working_days(vn_today(), 10)
    complete_task(_report_task(db, instance).task_uuid, {"extension_granted": True, "new_due_date": later.isoformat()},
                  actor=office["leader"])
    assert _timers(db, instance) == {
        "remind_before_deadline": _utc(iso_end_of_day(calendar.add_working_days(later, -1))),
        "deadline_passed": _utc(iso_end_of_day(later))}


def test_one_broken_instance_does_not_stop_the_others(deployed, office, db, engine_clock):
    due = work_calendar().add_working_days(vn_today(), 3)
    broken, healthy = _assign(db, office, due), _assign(db, office, due)
    broken.state_json = '{"tasks": "not a task tree"}'
    db.session.commit()  # the job rolls back a failed instance to here
    moment = _utc(iso_end_of_day(due)) + SECOND
    engine_clock(moment)
    assert fire_due_timers(moment) == 1
    db.session.refresh(broken)
    db.session.refresh(healthy)
    assert broken.status == "error" and broken.error_message
    assert _branch_data(healthy) == {"reminded": True, "overdue": True}
    [failure] = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "incident_opened")).all()
    assert failure.data["instance_id"] == broken.id and failure.actor_id is None
    assert failure.data["kind"] == "timer" and "Traceback" not in broken.error_message
    assert fire_due_timers(moment) == 0  # failed instances wait for an admin, not for the next tick
    assert verify_chain().intact


def test_due_instances_come_earliest_first_within_the_limit(deployed, office, db, engine_clock):
    calendar = work_calendar()
    late = _assign(db, office, calendar.add_working_days(vn_today(), 6))
    early = _assign(db, office, calendar.add_working_days(vn_today(), 3))
    moment = _utc(iso_end_of_day(calendar.add_working_days(vn_today(), 6))) + SECOND
    engine_clock(moment)
    assert fire_due_timers(moment, limit=1) == 1
    assert _timers(db, early) == {} and len(_timers(db, late)) == 2
