"""Opening a task reads less than the engine and the inbox query would, and must answer as they do:
find_my_task holds my_tasks_query's rule (delegations included), and a task's data and earlier rounds read
from the stored state are the restored workflow's."""
from datetime import timedelta

from sqlalchemy import select

from app.directory.delegation import create_delegation
from app.vietnam_time import vietnam_today
from app.workflow.access import my_tasks_query
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task, start_instance
from app.workflow.stored_task import stored_task
from app.workflow.task_pages import find_my_task
from app.workflow.task_rounds import earlier_round_ids

TODAY = vietnam_today()


def _agree_with_inbox(db, people, rows):
    for person in people:
        listed = set(db.session.scalars(my_tasks_query(person)).all())
        for row in rows:
            assert (find_my_task(row.task_uuid, person) is not None) == (row in listed), (person.username, row.spec_id)


def test_find_my_task_follows_delegation_as_the_inbox_does(make, deployed, db):
    agency, elsewhere = make.agency(), make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    deputy = make.user(agency=agency, roles=("specialist",))
    stranger = make.user(agency=elsewhere, roles=("leader",))
    start_instance("assign_work", actor=leader)
    rows = db.session.scalars(select(HumanTask)).all()
    people = [leader, deputy, stranger]
    _agree_with_inbox(db, people, rows)
    assert find_my_task(rows[0].task_uuid, leader) is rows[0]
    create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                      starts_on=TODAY, ends_on=TODAY + timedelta(days=1))
    _agree_with_inbox(db, people, rows)
    assert find_my_task(rows[0].task_uuid, deputy) is rows[0] and find_my_task(rows[0].task_uuid, leader) is None
    assert find_my_task("00000000-0000-0000-0000-000000000000", leader) is None


def _stored_matches_engine(instance, actor):
    workflow = load_workflow(instance, actor)
    tasks = [*workflow.tasks.values(), *(t for sub in workflow.subprocesses.values() for t in sub.tasks.values())]
    for task in tasks:
        stored = stored_task(instance, str(task.id), actor)
        assert stored.data == task.data, task.task_spec.name
        assert stored.earlier_round_ids == earlier_round_ids(task), task.task_spec.name
    return len(tasks)


def test_stored_task_reads_what_the_engine_restores(make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    worker = make.user(agency=agency, roles=("specialist",))
    instance = start_instance("assign_work", actor=leader)
    due = (TODAY + timedelta(days=5)).isoformat()
    answers = [
        (leader, {"work_title": "Chuẩn bị họp", "description": "…", "assignee": worker.username, "due_date": due}),
        (worker, {"report_kind": "finished", "progress_note": "Xong phần một"}),
        (leader, {"review_decision": "rework", "review_comment": "Bổ sung số liệu"}),
        (worker, {"report_kind": "finished", "progress_note": "Đã bổ sung"}),  # a second round of the report
    ]
    for actor, answer in answers:
        row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        assert _stored_matches_engine(db.session.get(ProcessInstance, instance.id), actor) > 1
        complete_task(row.task_uuid, answer, actor=actor)
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert row.spec_id == "review"
    stored = stored_task(row.instance, row.task_uuid, leader)
    assert stored.data["progress_note"] == "Đã bổ sung" and len(stored.earlier_round_ids) == 1
    assert _stored_matches_engine(row.instance, leader) > 1
