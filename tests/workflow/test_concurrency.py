"""Two people submit the same task at the same moment: exactly one wins, nothing is half-written."""
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.directory.models import User
from app.extensions import db as _db
from app.vietnam_time import vietnam_today
from app.workflow.deployment import sync_processes
from app.workflow.errors import TaskConflict
from app.workflow.models import HumanTask, HumanTaskCandidate, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance

from ..factories import Factory
from ..parallel import run_in_parallel


def test_parallel_completion_has_one_winner(app, committed_db):
    make = Factory(committed_db)
    agency = make.agency()
    leaders = [make.user(agency=agency, roles=("leader",)) for _ in range(2)]
    specialist = make.user(agency=agency)
    with app.test_request_context():
        sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        instance = start_instance("assign_work", actor=leaders[0])
    # Make the first task claimable by both leaders: the race is between two candidates.
    task = committed_db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    task.assigned_user_id = None
    task.candidates = [HumanTaskCandidate(user_id=leader.id) for leader in leaders]
    task_uuid, leader_ids, instance_id = task.task_uuid, [u.id for u in leaders], instance.id
    assignee = specialist.username
    committed_db.session.commit()
    committed_db.session.remove()

    outcomes = []

    def submit(worker: int):
        leader = _db.session.get(User, leader_ids[worker])
        try:
            complete_task(task_uuid, {"work_title": f"Việc của {leader.id}", "description": "…", "assignee": assignee,
                                      "due_date": (vietnam_today() + timedelta(days=3)).isoformat()}, actor=leader)
            _db.session.commit()
            outcomes.append(("won", leader.id))
        except TaskConflict as conflict:
            _db.session.rollback()
            outcomes.append(("conflict", conflict.message))

    assert run_in_parallel(app, len(leader_ids), submit) == []
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["conflict", "won"], outcomes
    message = next(detail for kind, detail in outcomes if kind == "conflict")
    assert "đã được xử lý bởi" in message
    completions = committed_db.session.scalar(select(func.count()).select_from(AuditEvent)
                                              .where(AuditEvent.event_type == "task_completed"))
    assert completions == 1
    instance = committed_db.session.get(ProcessInstance, instance_id)
    assert instance.lock_version == 2
    remaining = committed_db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance_id)).all()
    assert remaining == ["report"]
    assert verify_chain().intact
