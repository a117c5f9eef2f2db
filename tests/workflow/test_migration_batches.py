"""Moving many cases: all-or-nothing per case, every moved case replays, one winner against a completion."""
import os

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.directory.models import User
from app.extensions import db as _db
from app.workflow import instance_migration
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.errors import TaskConflict
from app.workflow.instance_migration import migrate_cases, migrate_instance, plan_migration, running_cases
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.replay import replay
from app.workflow.runtime import complete_task, start_instance

from ..factories import Factory
from ..parallel import run_in_parallel
from .migration_setup import DUE, publish_edit, rename

# The thousand the issue asks for on PostgreSQL; SQLite (one writer at a time) proves the same with fewer.
CASES = 1000 if (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql") else 300


def test_a_thousand_waiting_cases_move_each_whole_and_each_replays(app, db, deployed, make, monkeypatch):
    agency = make.agency()
    leaders = [make.user(agency=agency, roles=("leader",)) for _ in range(3)]
    with app.test_request_context():
        old = latest_version("assign_work")
        ids = [start_instance("assign_work", actor=leaders[n % 3]).id for n in range(CASES)]
        new = publish_edit("assign_work", lambda xml: rename(xml, "assign", "assign_work_step"))
        plan = plan_migration("assign_work", old.number, new.number, {"assign": "assign_work_step"})
        assert running_cases(plan, actor=leaders[0], step="assign") == ids
        # One case fails at its last write (the audit event), after its state and inbox were written.
        failing = ids[CASES // 2]
        real_record = instance_migration.record

        def record_failing_once(event_type, **data):
            if data.get("instance_id") == failing:
                raise RuntimeError("disk full")
            return real_record(event_type, **data)

        monkeypatch.setattr(instance_migration, "record", record_failing_once)
        outcomes = migrate_cases(plan, ids, actor=leaders[0])
        monkeypatch.undo()
        assert [o.ok for o in outcomes].count(True) == CASES - 1
        assert [o.instance_id for o in outcomes if not o.ok] == [failing]
        versions = dict(db.session.execute(select(ProcessInstance.id, ProcessInstance.process_version_id)
                                           .where(ProcessInstance.id.in_(ids))).all())
        assert {i for i, v in versions.items() if v == old.id} == {failing}
        steps = dict(db.session.execute(select(HumanTask.instance_id, HumanTask.spec_id)
                                        .where(HumanTask.instance_id.in_(ids))).all())
        assert steps[failing] == "assign" and {s for i, s in steps.items() if i != failing} == {"assign_work_step"}
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.event_type == "instance_migrated")) == CASES - 1
        for instance in db.session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids))):
            result = replay(instance)
            assert result.matches, (instance.id, result.problem)
        assert verify_chain().intact


def test_a_completion_and_a_move_at_the_same_moment_have_one_winner(app, committed_db):
    make = Factory(committed_db)
    agency = make.agency()
    leader, specialist = make.user(agency=agency, roles=("leader",)), make.user(agency=agency)
    with app.test_request_context():
        sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        old = latest_version("assign_work")
        instance = start_instance("assign_work", actor=leader)
        new = publish_edit("assign_work", lambda xml: rename(xml, "review", "evaluate"))
        task_uuid = committed_db.session.scalars(select(HumanTask.task_uuid)
                                                 .where(HumanTask.instance_id == instance.id)).one()
    ids = {"leader": leader.id, "instance": instance.id, "old": old.number, "new": new.number,
           "assignee": specialist.username}
    committed_db.session.commit()
    committed_db.session.remove()
    outcomes = []

    def work(worker: int):
        actor = _db.session.get(User, ids["leader"])
        try:
            if worker == 0:
                complete_task(task_uuid, {"work_title": "Việc", "description": "…", "assignee": ids["assignee"],
                                          "due_date": DUE}, actor=actor)
            else:
                plan = plan_migration("assign_work", ids["old"], ids["new"], {"review": "evaluate"})
                migrate_instance(plan, ids["instance"], actor=actor)
            _db.session.commit()
            outcomes.append((worker, "ok"))
        except TaskConflict as conflict:
            _db.session.rollback()
            outcomes.append((worker, conflict.message))

    assert run_in_parallel(app, 2, work) == []
    outcomes.sort()
    instance = committed_db.session.get(ProcessInstance, ids["instance"])
    assert instance.version.number == ids["new"]
    if outcomes[0][1] != "ok":  # the move came first: the answer for the old step is refused, clearly
        assert "phiên bản quy trình mới" in outcomes[0][1]
    else:  # the completion came first: the case moved from the step after it
        assert outcomes[1] == (1, "ok")
    assert replay(instance).matches
    assert verify_chain().intact
