"""Incidents: a failing system step keeps the person's answer and stops the case in an incident; an
administrator retries it (after a data fix), skips it where allowed or cancels the case; transient
failures are retried by the job at their backoff times."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.jobs.runner import JOBS
from app.notifications.models import INCIDENT_OPENED, Notification
from app.workflow.errors import TaskConflict, TaskForbidden, TaskNotFound, WorkflowError
from app.workflow.failures import RetryDeclarationError, declared_policy
from app.workflow.incident_pages import incident_page
from app.workflow.incidents import (
    cancel_incident_case,
    edit_data_and_retry,
    parse_task_data,
    retry_due_incidents,
    retry_incident,
    skip_step,
)
from app.workflow.models import HumanTask, Incident, ProcessInstance
from app.workflow.replay import replay
from app.workflow.runtime import complete_task, start_instance

from .incident_process import SERVICE, flaky_app


@pytest.fixture
def office(make):
    agency = make.agency()
    return {"clerk": make.user(agency=agency, roles=("clerk",)), "admin": make.user(agency=agency, roles=("admin",)),
            "stranger": make.user(roles=("admin",))}


def _fail_at_send(db, office, mode: str, **service):
    SERVICE.update(mode=mode, **service)
    instance = start_instance("flaky", actor=office["clerk"])
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    completion = complete_task(task.task_uuid, {"ghi_chu": "gửi đi"}, actor=office["clerk"])
    db.session.commit()
    return instance, completion


def _incident(db, instance) -> Incident:
    return db.session.scalars(select(Incident).where(Incident.instance_id == instance.id)
                              .order_by(Incident.id.desc())).first()


def _events(db, event_type):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type)).all()


def test_a_failing_operator_keeps_the_answer_and_opens_an_incident(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path):
        instance, completion = _fail_at_send(db, office, "missing")
        assert completion.incident
        incident = _incident(db, instance)
        assert instance.status == "error" and instance.completed_at is None
        assert (incident.kind, incident.status, incident.task_spec, incident.tries) == ("permanent", "open", "send", 1)
        # People read Vietnamese; the exception is kept for operators.
        assert incident.message == "Dịch vụ ở bước «Gửi trục» báo lỗi." and "KeyError" not in incident.message
        assert "KeyError" in incident.detail and "ma_so" in incident.detail
        assert db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all() == []
        # The process's owners are told: the agency's administrator (not the clerk who caused it).
        told = db.session.scalars(select(Notification.user_id).where(Notification.kind == INCIDENT_OPENED)).all()
        assert office["admin"].id in told and office["clerk"].id not in told
        assert office["stranger"].id not in told
        assert [e.data["kind"] for e in _events(db, "incident_opened")] == ["permanent"]


def test_retry_after_a_data_fix_completes_the_case(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path):
        instance, _ = _fail_at_send(db, office, "missing")
        incident, admin = _incident(db, instance), office["admin"]
        assert retry_incident(incident.id, actor=admin, seen_version=instance.lock_version) is False
        db.session.commit()
        assert incident.tries == 2 and incident.status == "open"
        with pytest.raises(WorkflowError, match="started_by"):
            edit_data_and_retry(incident.id, json.dumps({"ghi_chu": "x", "started_by": admin.username}),
                                actor=admin, seen_version=instance.lock_version)
        db.session.rollback()
        with pytest.raises(TaskConflict):  # the page the operator looked at is out of date
            edit_data_and_retry(incident.id, '{"ma_so": "A1"}', actor=admin, seen_version=instance.lock_version - 1)
        db.session.rollback()
        data = json.loads(incident_page(incident, admin).data_json)  # what the page offers to edit
        assert data["ghi_chu"] == "gửi đi" and data["started_by"] == office["clerk"].username
        data["ma_so"] = "A1"
        assert edit_data_and_retry(incident.id, json.dumps(data), actor=admin, seen_version=instance.lock_version)
        db.session.commit()
        db.session.refresh(instance)
        assert instance.status == "completed" and instance.error_message is None
        assert (incident.status, incident.resolution, incident.resolved_by_id) == ("resolved", "data_edited", admin.id)
        [edited] = _events(db, "incident_data_edited")
        assert edited.actor_id == admin.id and edited.data["changed"] == ["ma_so"] and edited.data["succeeded"]
        with pytest.raises(TaskConflict, match="đã được"):  # the second of two clicks
            retry_incident(incident.id, actor=admin, seen_version=None)
        assert verify_chain().intact
        # Replay fails where the case failed, and runs the repairs as they were made.
        assert replay(instance).matches, replay(instance).problem


def test_skip_is_only_where_allowed_and_is_audited_with_the_reason(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path, skippable=True):
        instance, _ = _fail_at_send(db, office, "broken")
        incident = _incident(db, instance)
        with pytest.raises(WorkflowError, match="lý do"):
            skip_step(incident.id, actor=office["admin"], reason="  ", seen_version=None)
        with pytest.raises(TaskForbidden):
            skip_step(incident.id, actor=office["clerk"], reason="x", seen_version=None)
        with pytest.raises(TaskNotFound):  # another agency's administrator
            skip_step(incident.id, actor=office["stranger"], reason="x", seen_version=None)
        assert skip_step(incident.id, actor=office["admin"], reason="Trục đã nhận bằng đường khác",
                         seen_version=instance.lock_version)
        db.session.commit()
        db.session.refresh(instance)
        assert instance.status == "completed" and incident.resolution == "skipped"
        [skipped] = _events(db, "incident_skipped")
        assert skipped.actor_id == office["admin"].id and skipped.data["reason"] == "Trục đã nhận bằng đường khác"
        assert replay(instance).matches, replay(instance).problem


def test_a_step_not_marked_skippable_cannot_be_skipped(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path):
        instance, _ = _fail_at_send(db, office, "broken")
        with pytest.raises(TaskForbidden, match="không cho phép"):
            skip_step(_incident(db, instance).id, actor=office["admin"], reason="x", seen_version=None)


def test_cancel_is_audited_with_who_and_why(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path):
        instance, _ = _fail_at_send(db, office, "broken")
        incident = _incident(db, instance)
        cancel_incident_case(incident.id, actor=office["admin"], reason="Văn bản gửi nhầm",
                             seen_version=instance.lock_version)
        db.session.commit()
        db.session.refresh(instance)
        assert instance.status == "cancelled" and incident.resolution == "cancelled"
        [cancelled] = _events(db, "instance_cancelled")
        assert cancelled.actor_id == office["admin"].id and cancelled.data["reason"] == "Văn bản gửi nhầm"
        assert _events(db, "incident_cancelled")[0].data["reason"] == "Văn bản gửi nhầm"
        assert replay(instance).matches, replay(instance).problem


def test_a_transient_failure_is_retried_at_the_backoff_times_and_succeeds(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path, tries=4):
        instance, completion = _fail_at_send(db, office, "down", down_for=2)
        incident = _incident(db, instance)
        assert (incident.kind, incident.status, incident.tries) == ("transient", "retrying", 1)
        first_wait = incident.next_try_at - incident.last_seen_at
        assert first_wait == timedelta(seconds=30)
        assert retry_due_incidents(incident.next_try_at - timedelta(seconds=1)) == 0  # not yet
        assert SERVICE["calls"] == 1
        assert retry_due_incidents(incident.next_try_at) == 0  # tried, down again
        db.session.refresh(incident)
        assert (incident.status, incident.tries) == ("retrying", 2)
        assert incident.next_try_at - incident.last_seen_at == timedelta(seconds=60)  # 30 s × 2
        assert not db.session.scalars(select(Notification).where(Notification.kind == INCIDENT_OPENED)).all()
        assert JOBS["retry_failed_steps"](incident.next_try_at) == 1
        db.session.refresh(incident)
        db.session.refresh(instance)
        assert (incident.status, incident.resolution, incident.resolved_by_id) == ("resolved", "retried", None)
        assert instance.status == "completed" and SERVICE["calls"] == 3
        assert replay(instance).matches, replay(instance).problem


def test_a_retry_the_database_refuses_counts_a_try_and_ends_with_an_operator(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path, tries=3):
        instance, _ = _fail_at_send(db, office, "down", down_for=5)
        incident = _incident(db, instance)
        # The service is back but now writes a value the database refuses (another agency's code).
        SERVICE.update(mode="database", agency_code=office["stranger"].agency.code)
        retry_due_incidents(incident.next_try_at)
        db.session.refresh(incident)
        assert (incident.status, incident.tries) == ("retrying", 2)
        assert incident.next_try_at - incident.last_seen_at == timedelta(seconds=120)  # not every 15 s
        assert not db.session.scalars(select(Notification).where(Notification.kind == INCIDENT_OPENED)).all()
        retry_due_incidents(incident.next_try_at)
        db.session.refresh(incident)
        db.session.refresh(instance)
        assert (incident.status, incident.tries, incident.next_try_at) == ("open", 3, None)
        assert instance.status == "error"
        assert db.session.scalars(select(Notification.user_id).where(Notification.kind == INCIDENT_OPENED)).all() == [
            office["admin"].id]


def test_after_the_last_try_the_incident_waits_for_an_operator(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path, tries=2):
        instance, _ = _fail_at_send(db, office, "down", down_for=5)
        incident = _incident(db, instance)
        retry_due_incidents(incident.next_try_at)
        db.session.refresh(incident)
        assert (incident.status, incident.tries, incident.next_try_at) == ("open", 2, None)
        assert db.session.scalars(select(Notification.user_id).where(Notification.kind == INCIDENT_OPENED)).all() == [
            office["admin"].id]
        assert retry_due_incidents(incident.last_seen_at + timedelta(days=1)) == 0  # the job leaves it alone


def test_a_data_refusal_while_a_person_completes_is_told_at_once(app, db, tmp_path, office):
    # What the person can fix (an operator's ValueError in their words) stays a refusal: nothing kept.
    with flaky_app(app, db, tmp_path):
        instance = start_instance("flaky", actor=office["clerk"])
        task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
        SERVICE["mode"] = "ok"
        complete_task(task.task_uuid, {"ghi_chu": "ok"}, actor=office["clerk"])
        assert db.session.get(ProcessInstance, instance.id).status == "completed"
        assert db.session.scalars(select(Incident)).all() == []


@pytest.mark.parametrize("text", ["[1, 2]", "nope", '"x"', '{"a": NaN}', '{"a": "\\u0000"}',
                                  '{"a": ' * 30 + "1" + "}" * 30, '{"a": "' + "x" * 70_000 + '"}'])
def test_edited_data_must_be_a_small_plain_json_object(text):
    with pytest.raises(WorkflowError):
        parse_task_data(text)


@pytest.mark.parametrize("properties", [{"retries": "0"}, {"retries": "11"}, {"retries": "3.5"},
                                        {"retryBackoff": "0"}, {"retryBackoff": "nan"}, {"retryBackoff": "1e9"},
                                        {"retryMultiplier": "100"}, {"retries": "abc"}])
def test_retry_declarations_out_of_bounds_are_refused(properties):
    with pytest.raises(RetryDeclarationError):
        declared_policy(properties)


def test_retry_declaration_within_bounds():
    policy = declared_policy({"retries": "3", "retryBackoff": "10", "retryMultiplier": "3", "skippable": "true"})
    assert (policy.tries, policy.skippable) == (3, True)
    assert [policy.delay(n) for n in (1, 2)] == [10, 30]


def test_publishing_refuses_retries_out_of_bounds(app, tmp_path):
    from app.workflow.deployment import check_process
    from app.workflow.registry import ProcessDefinition

    from .incident_process import BPMN, SCHEMA, send

    forms = tmp_path / "forms" / "flaky"
    forms.mkdir(parents=True)
    (forms / "enter.schema.json").write_text(SCHEMA, encoding="utf-8")
    definition = ProcessDefinition("flaky", "flaky.bpmn", "Gửi thử", ("clerk",), operators={"test.send": send})
    for tries, refused in (("3", False), ("99", True)):
        bpmn = BPMN.replace("TRIES", tries).replace("SKIPPABLE", "false")
        candidate, problems = check_process(definition, bpmn.encode(), tmp_path / "forms", {"test.send": send})
        assert (candidate is None) == refused
        assert [p.element_id for p in problems] == (["send"] if refused else [])


def test_a_case_the_timer_job_cannot_load_is_an_incident_retried_once_repaired(deployed, db, make, engine_clock):
    from app.jobs.timers import fire_due_timers
    from app.workflow.errors import ProcessFailed
    from app.workflow.scripting import iso_end_of_day
    from app.workflow.scripting import today as vn_today
    from app.workflow.scripting_runtime import work_calendar

    from .test_timers import SECOND, _assign, _branch_data, _utc

    agency = make.agency()
    office = {"leader": make.user(agency=agency, roles=("leader",)),
              "specialist": make.user(agency=agency, roles=("specialist",))}
    admin = make.user(agency=agency, roles=("admin",))
    due = work_calendar().add_working_days(vn_today(), 3)
    instance = _assign(db, office, due)
    good_state, instance.state_json = instance.state_json, '{"tasks": "not a task tree"}'
    db.session.commit()
    moment = _utc(iso_end_of_day(due)) + SECOND
    engine_clock(moment)
    fire_due_timers(moment)
    incident = _incident(db, instance)
    assert (instance.status, incident.kind, incident.status) == ("error", "timer", "open")
    assert incident.task_spec and "not a task tree" not in incident.message
    savepoint = db.session.begin_nested()
    with pytest.raises(ProcessFailed, match="Không nạp được trạng thái"):
        retry_incident(incident.id, actor=admin)
    savepoint.rollback()
    instance.state_json = good_state  # the cause is repaired
    db.session.flush()
    assert retry_incident(incident.id, actor=admin)
    assert instance.status == "running" and incident.resolution == "retried"
    assert _branch_data(instance) == {"reminded": True, "overdue": True}


def test_a_case_whose_state_cannot_be_loaded_can_still_be_cancelled(app, db, tmp_path, office):
    with flaky_app(app, db, tmp_path):
        instance, _ = _fail_at_send(db, office, "broken")
        instance.state_json = '{"tasks": "not a task tree"}'
        db.session.flush()
        cancel_incident_case(_incident(db, instance).id, actor=office["admin"], reason="Hỏng trạng thái",
                             seen_version=None)
        assert instance.status == "cancelled" and _incident(db, instance).resolution == "cancelled"


def test_two_operators_repairing_at_once_one_wins_and_the_other_is_told(app, committed_db, tmp_path):
    from app.directory.models import User
    from app.extensions import db as _db

    from ..factories import Factory
    from ..parallel import run_in_parallel

    make = Factory(committed_db)
    agency = make.agency()
    clerk = make.user(agency=agency, roles=("clerk",))
    admins = [make.user(agency=agency, roles=("admin",)) for _ in range(2)]
    committed_db.session.commit()
    clerk_id, admin_ids = clerk.id, [a.id for a in admins]
    committed_db.session.remove()
    with flaky_app(app, committed_db, tmp_path) as other:
        instance, _ = _fail_at_send(committed_db, {"clerk": committed_db.session.get(User, clerk_id)}, "broken")
        incident = _incident(committed_db, instance)
        incident_id, instance_id, seen = incident.id, instance.id, instance.lock_version
        committed_db.session.commit()
        committed_db.session.remove()
        SERVICE["mode"] = "ok"

        def repair(worker: int):
            actor = _db.session.get(User, admin_ids[worker])
            if worker == 0:
                retry_incident(incident_id, actor=actor, seen_version=seen)
            else:
                cancel_incident_case(incident_id, actor=actor, reason="Trùng", seen_version=seen)
            _db.session.commit()

        errors = run_in_parallel(other, 2, repair)
        assert len(errors) == 1 and "TaskConflict" in errors[0], errors
        status = committed_db.session.get(ProcessInstance, instance_id).status
        resolution = committed_db.session.get(Incident, incident_id).resolution
        assert (status, resolution) in {("completed", "retried"), ("cancelled", "cancelled")}
        assert len(committed_db.session.scalars(select(AuditEvent).where(AuditEvent.event_type.in_(
            ("incident_retried", "incident_cancelled")))).all()) == 1
