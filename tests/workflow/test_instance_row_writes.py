"""A completion writes its instance's row once: a new title (or subject) rides in the state's UPDATE."""
from datetime import timedelta

from sqlalchemy import select

from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task, start_instance


def test_renaming_the_case_writes_its_row_once(app, db, make, deployed, count_queries):
    agency = make.agency()
    leader, specialist = make.user(agency=agency, roles=("leader",)), make.user(agency=agency)
    with app.test_request_context():
        instance = start_instance("assign_work", actor=leader)
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        with count_queries() as counted:
            complete_task(task.task_uuid, {"work_title": "Tổng hợp số liệu quý", "description": "…",
                                           "assignee": specialist.username,
                                           "due_date": (vietnam_today() + timedelta(days=3)).isoformat()},
                          actor=leader)
    # On PostgreSQL the UPDATE carries the inbox deletes as CTEs before it (instance_state.saved).
    updates = [s for s in counted.statements if "UPDATE PROCESS_INSTANCE" in s.upper()]
    assert len(updates) == 1, updates
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).title == "Tổng hợp số liệu quý"
