"""Moving running cases to a newer published version: plan, dry run, move, replay, completion."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.workflow.deployment import latest_version
from app.workflow.errors import TaskConflict, WorkflowError
from app.workflow.history import instance_events
from app.workflow.instance_migration import (
    dry_run,
    migrate_cases,
    migrate_instance,
    plan_migration,
    running_cases,
)
from app.workflow.models import ProcessInstance, Timer
from app.workflow.readable_history import readable_history
from app.workflow.replay import replay
from app.workflow.runtime import complete_task, start_instance

from ..designer import bpmn_edits
from ..documents.conftest import bring_in  # noqa: F401  (fixture)
from ..documents.conftest import office as office_docs  # noqa: F401  (fixture)
from .migration_setup import case_at_report, publish_edit, remove_boundary, rename, task_of


@pytest.fixture
def office(make):
    agency = make.agency()
    return {"agency": agency, "leader": make.user(agency=agency, roles=("leader",)),
            "specialist": make.user(agency=agency, roles=("specialist",))}


def _review_check(xml):
    return bpmn_edits.insert_step_after(xml, "review", "legal_check", "Kiểm tra pháp chế", "lane_assigner",
                                        "assign_work/review.schema.json")


def test_a_waiting_case_moves_keeps_its_data_and_completes_on_the_new_version(app, deployed, office, db):
    leader, specialist = office["leader"], office["specialist"]
    with app.test_request_context():
        old = latest_version("assign_work")
        instance = case_at_report(db, leader, specialist)
        before = task_of(db, instance.id)
        timers = {t.spec_id: t.due_at for t in db.session.scalars(select(Timer).where(Timer.instance_id == instance.id))}
        new = publish_edit("assign_work", lambda xml: rename(_review_check(xml), "report", "report_result"))
        plan = plan_migration("assign_work", old.number, new.number, {"report": "report_result"})
        assert [s.refusal for s in plan.plan.steps] == [None] * len(plan.plan.steps)
        [outcome] = dry_run(plan, [instance.id])
        assert outcome.ok and "report" in outcome.steps
        assert db.session.get(ProcessInstance, instance.id).process_version_id == old.id  # a dry run writes nothing

        migrate_instance(plan, instance.id, actor=leader)
        db.session.refresh(instance)
        assert instance.process_version_id == new.id
        moved = task_of(db, instance.id)
        assert moved.spec_id == "report_result" and moved.task_uuid != before.task_uuid
        assert moved.assigned_user_id == specialist.id and moved.due_at == before.due_at
        assert {t.spec_id: t.due_at for t in db.session.scalars(
            select(Timer).where(Timer.instance_id == instance.id))} == timers
        with pytest.raises(TaskConflict):  # an answer written for the old version's step
            complete_task(before.task_uuid, {"report_kind": "finished", "progress_note": "x"}, actor=specialist)

        complete_task(moved.task_uuid, {"report_kind": "finished", "progress_note": "Xong"}, actor=specialist)
        complete_task(task_of(db, instance.id, "review").task_uuid, {"review_decision": "accept"}, actor=leader)
        assert task_of(db, instance.id).spec_id == "legal_check"  # the step only the new version has
        complete_task(task_of(db, instance.id).task_uuid, {"review_decision": "accept"}, actor=leader)
        db.session.refresh(instance)
        assert instance.status == "completed"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "instance_migrated")).one()
        assert event.data["from_version"] == old.number and event.data["to_version"] == new.number
        assert event.data["mapping"] == {"report": "report_result"}
        assert event.data["state_before_sha256"] != event.data["state_after_sha256"]
        result = replay(instance)
        assert result.matches, (result.problem, result.details)
        assert verify_chain().intact
        labels = [e.label for e in readable_history(instance.version, instance_events(instance.id))]
        assert f"Chuyển từ phiên bản {old.number} sang phiên bản {new.number} của quy trình" in labels


def test_plan_refuses_a_removed_waiting_step_and_changed_boundary_events_with_reasons(app, deployed, office, db):
    with app.test_request_context():
        old = latest_version("assign_work")
        new = publish_edit("assign_work", lambda xml: remove_boundary(rename(xml, "review", "evaluate"),
                                                                      "remind_before_deadline"))
        plan = plan_migration("assign_work", old.number, new.number).plan
        refusals = {s.old_id: s.refusal for s in plan.steps}
        assert "không còn trong phiên bản mới" in refusals["review"]
        assert "không còn trong phiên bản mới" in refusals["remind_before_deadline"]
        assert "sự kiện biên" in refusals["report"]
        assert refusals["assign"] is None
        with pytest.raises(WorkflowError, match="không phải bước chờ"):
            plan_migration("assign_work", old.number, new.number, {"route_to_assignee": "x"})


def test_a_refused_case_stays_whole_and_the_batch_goes_on(app, deployed, office, db):
    leader, specialist = office["leader"], office["specialist"]
    with app.test_request_context():
        old = latest_version("assign_work")
        at_assign = start_instance("assign_work", actor=leader)
        at_report = case_at_report(db, leader, specialist)
        state = at_report.state_json
        new = publish_edit("assign_work", lambda xml: rename(xml, "report", "report_result"))
        plan = plan_migration("assign_work", old.number, new.number)  # no mapping given for the renamed step
        assert running_cases(plan, actor=leader) == [at_assign.id, at_report.id]
        assert running_cases(plan, actor=leader, step="report") == [at_report.id]
        outcomes = migrate_cases(plan, [at_report.id, at_assign.id], actor=leader)
        assert [(o.instance_id, o.ok) for o in outcomes] == [(at_report.id, False), (at_assign.id, True)]
        assert "Báo cáo kết quả" in outcomes[0].reason
        db.session.refresh(at_report)
        assert at_report.process_version_id == old.id and at_report.state_json == state
        assert task_of(db, at_report.id).spec_id == "report"
        assert replay(at_report).matches and replay(db.session.get(ProcessInstance, at_assign.id)).matches


def test_other_agencies_cases_are_not_offered(app, deployed, office, make, db):
    with app.test_request_context():
        old = latest_version("assign_work")
        start_instance("assign_work", actor=office["leader"])
        other_leader = make.user(roles=("leader", "designer"))
        new = publish_edit("assign_work", _review_check)
        plan = plan_migration("assign_work", old.number, new.number)
        assert running_cases(plan, actor=other_leader) == []
        assert len(running_cases(plan, actor=office["leader"])) == 1


def test_the_command_dry_runs_then_moves_and_audit_replay_says_so(app, deployed, office, db):
    leader, specialist = office["leader"], office["specialist"]
    with app.test_request_context():
        old = latest_version("assign_work")
        instance = case_at_report(db, leader, specialist)
        start_instance("assign_work", actor=leader)
        new = publish_edit("assign_work", lambda xml: rename(xml, "report", "report_result"))
        db.session.commit()
    runner = app.test_cli_runner()
    args = ["processes", "migrate", "assign_work", "--from", str(old.number), "--to", str(new.number)]
    refused = runner.invoke(args=[*args, "--dry-run"])
    assert refused.exit_code == 1 and "1 chuyển được (chạy thử, chưa ghi), 1 không chuyển được" in refused.output
    assert "không còn trong phiên bản mới" in refused.output
    assert db.session.get(ProcessInstance, instance.id).process_version_id == old.id
    wrong = runner.invoke(args=[*args, "--map", "report"])
    assert wrong.exit_code == 1 and "BƯỚC_CŨ=BƯỚC_MỚI" in wrong.output
    moved = runner.invoke(args=[*args, "--map", "report=report_result", "--step", "report",
                                "--agency", office["agency"].code])
    assert moved.exit_code == 0, moved.output
    assert "1 hồ sơ: 1 đã chuyển, 0 không chuyển được." in moved.output
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).process_version_id == new.id
    replayed = runner.invoke(args=["audit", "replay", "--instance", str(instance.id)])
    assert replayed.exit_code == 0, replayed.output
    assert "Trong đó 1 hồ sơ đã chuyển phiên bản quy trình" in replayed.output and "(1 khớp)" in replayed.output


def test_an_incoming_document_case_moves_past_a_new_step_and_replays(app, db, office_docs, bring_in):  # noqa: F811
    with app.test_request_context():
        old = latest_version("incoming_document")
        document = bring_in(office_docs).document
        new = publish_edit("incoming_document", lambda xml: bpmn_edits.set_attribute(
            xml, "register", "name", "Vào sổ văn bản đến"))
        plan = plan_migration("incoming_document", old.number, new.number)
        assert [o.ok for o in migrate_cases(plan, [document.instance_id], actor=office_docs.clerk)] == [True]
        register = task_of(db, document.instance_id, "register")
        assert register.title == "Vào sổ văn bản đến"
        complete_task(register.task_uuid, {"route": "leader"}, actor=office_docs.clerk)
        instance = db.session.get(ProcessInstance, document.instance_id)
        result = replay(instance)
        assert result.matches, (result.problem, result.details)


def test_a_dry_run_reports_a_case_whose_state_cannot_be_loaded_and_goes_on(app, deployed, office, db):
    with app.test_request_context():
        old = latest_version("assign_work")
        broken = start_instance("assign_work", actor=office["leader"])
        whole = start_instance("assign_work", actor=office["leader"])
        broken.state_json = '{"tasks": "not a task tree"}'
        db.session.flush()
        new = publish_edit("assign_work", _review_check)
        plan = plan_migration("assign_work", old.number, new.number)
        outcomes = {o.instance_id: o for o in dry_run(plan, [broken.id, whole.id])}
        assert outcomes[whole.id].ok and not outcomes[broken.id].ok
        assert "Không nạp được trạng thái" in outcomes[broken.id].reason
        moved = {o.instance_id: o for o in migrate_cases(plan, [broken.id, whole.id], actor=office["leader"])}
        assert moved[whole.id].ok and "Không nạp được trạng thái" in moved[broken.id].reason
