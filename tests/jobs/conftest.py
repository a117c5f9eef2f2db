"""Job fixtures: a committed giao việc instance whose timers the engine's clock says are due."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.jobs import timers as timer_job
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting import today as vn_today
from app.workflow.scripting_runtime import work_calendar

from ..factories import Factory
from ..workflow.engine_clock import shift_engine_clock


@dataclass
class DueInstance:
    id: int
    moment: datetime  # when both of its timers are due


def due_cases(app, db, count: int = 1) -> tuple[list[int], datetime]:
    """`count` committed giao việc cases, and the moment at which all their deadline timers are due."""
    make = Factory(db)
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",))
    due = work_calendar().add_working_days(vn_today(), 3)
    instance_ids = []
    with app.test_request_context():
        sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        for n in range(count):
            instance = start_instance("assign_work", actor=leader)
            first = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
            complete_task(first.task_uuid, {"work_title": f"Việc nền {n + 1}", "description": "…",
                                            "assignee": specialist.username, "due_date": due.isoformat()}, actor=leader)
            instance_ids.append(instance.id)
        db.session.commit()
    return instance_ids, datetime.fromisoformat(iso_end_of_day(due)).astimezone(timezone.utc) + timedelta(seconds=1)


@pytest.fixture
def due_instance(app, committed_db, monkeypatch):
    [instance_id], moment = due_cases(app, committed_db)
    shift_engine_clock(monkeypatch, moment)
    monkeypatch.setattr(timer_job, "utcnow", lambda: moment)  # the job's default `now` too
    committed_db.session.remove()
    return DueInstance(instance_id, moment)


def timers_fired(db) -> int:
    """How many timer_fired events the database holds; ends the read so SQLite writers are not kept waiting."""
    try:
        return db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.event_type == "timer_fired"))
    finally:
        db.session.rollback()
