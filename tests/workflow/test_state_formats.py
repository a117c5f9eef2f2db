"""States saved by every earlier release load and finish on the current code; upgrade-states rewrites them."""
import hashlib
import json
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.workflow.engine import SERIALIZER_VERSION, STORAGE_FORMAT, parse_process, spec_to_json
from app.workflow.inbox import inbox_change, write_inbox
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance, ProcessVersion, Timer
from app.workflow.runtime import complete_task
from app.workflow.timers import timer_change, write_timers

FIXTURES = Path(__file__).parent / "fixtures" / "states"
RELEASES = sorted(FIXTURES.glob("format*.json"), key=lambda path: int(path.stem.split("-")[0][len("format"):]))
SIGNED = {"signature_result": {"verified": True, "kind": "signer", "document": "main"}}


def test_every_storage_format_has_a_fixture():
    # A new format without a fixture would go untested: README.md says how to make one.
    assert [path.stem.split("-")[0] for path in RELEASES] == [f"format{n}" for n in range(1, STORAGE_FORMAT + 1)]


@pytest.fixture
def agency(make):
    """The agency of the people the fixtures' cases name (their lane owners)."""
    agency = make.agency()
    make.user(agency, username="fixture_clerk"), make.user(agency, roles=("leader",), username="fixture_leader")
    return agency


def _stored_case(agency, db, fixture: dict) -> ProcessInstance:
    """Put the release's rows in the database as that release wrote them, and index the waiting case."""
    bpmn = (FIXTURES / "fixture_sign.bpmn").read_text(encoding="utf-8")
    assert hashlib.sha256(bpmn.encode()).hexdigest() == fixture["bpmn_sha256"]
    number = db.session.scalar(select(func.count()).select_from(ProcessVersion)
                               .where(ProcessVersion.process_id == fixture["process_id"])) + 1
    # Each release's spec its own content hash: the runtime caches spec objects per (version id, hash),
    # and the ids of rolled-back tests come again.
    content = hashlib.sha256(fixture["spec_json"].encode()).hexdigest()
    version = ProcessVersion(process_id=fixture["process_id"], number=number, content_sha256=content,
                             bpmn_xml=bpmn, forms={}, spec_json=fixture["spec_json"],
                             serializer_version=fixture["version_serializer_version"])
    instance = ProcessInstance(version=version, process_id=fixture["process_id"], agency_id=agency.id,
                               title="Công văn mẫu", state_json="{}", serializer_version="")
    db.session.add_all([version, instance])
    db.session.flush()
    # A text() statement: the stored value goes in as the release wrote it, past today's column type.
    db.session.execute(text("UPDATE process_instance SET state_json = :state, serializer_version = :version "
                            "WHERE id = :id"), {"state": fixture["state_json"], "id": instance.id,
                                                "version": fixture["serializer_version"]})
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance.id)
    workflow = load_workflow(instance, None)
    write_inbox(inbox_change(instance, workflow, indexed=frozenset()))
    write_timers(timer_change(instance, workflow, indexed={}))
    return instance


@pytest.mark.parametrize("path", RELEASES, ids=[path.stem for path in RELEASES])
def test_release_state_loads_and_completes(agency, db, path):
    fixture = json.loads(path.read_text(encoding="utf-8"))
    instance = _stored_case(agency, db, fixture)
    assert instance.state_format is None
    [row] = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all()
    assert [row.spec_id] == fixture["waiting_at"] == ["sign"]
    assert row.assigned_user.username == "fixture_leader"
    assert db.session.scalars(select(Timer.spec_id).where(Timer.instance_id == instance.id)).all() == ["reminder"]
    workflow = load_workflow(instance, None)
    assert workflow.data_objects == {} and workflow.get_tasks(state=TaskState.READY, manual=True)[0].data["rounds"] == 1

    complete_task(row.task_uuid, SIGNED, actor=row.assigned_user)

    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance.id)
    assert (instance.status, instance.state_format, instance.serializer_version) == (
        "completed", STORAGE_FORMAT, SERIALIZER_VERSION)
    assert db.session.scalars(select(Timer).where(Timer.instance_id == instance.id)).all() == []


def test_old_signing_spec_still_refuses_an_unsigned_completion(agency, db):
    from app.workflow.errors import WorkflowError

    fixture = json.loads((FIXTURES / "format1-f755fed-plain.json").read_text(encoding="utf-8"))
    instance = _stored_case(agency, db, fixture)
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    with pytest.raises(WorkflowError):
        complete_task(row.task_uuid, {"decision": "return"}, actor=row.assigned_user)


def test_upgrade_states_rewrites_every_release_once(agency, db, app):
    cases = [_stored_case(agency, db, json.loads(path.read_text(encoding="utf-8"))) for path in RELEASES]
    ids = [case.id for case in cases]
    db.session.commit()  # the dry run rolls its batches back: the cases must outlive that
    raw = dict(db.session.execute(text("SELECT id, state_json FROM process_instance WHERE id IN (%s)"
                                       % ",".join(map(str, ids)))).all())
    assert not raw[ids[0]].startswith("z1:") and raw[ids[1]].startswith("z1:")
    before = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0

    dry = app.test_cli_runner().invoke(args=["processes", "upgrade-states", "--dry-run", "--batch", "2"])
    assert dry.exit_code == 0, dry.output
    assert "Chạy thử" in dry.output and "Lô 2" in dry.output
    assert db.session.scalars(select(ProcessInstance.state_format).where(ProcessInstance.id.in_(ids))).all() == [
        None] * len(ids)

    run = app.test_cli_runner().invoke(args=["processes", "upgrade-states", "--batch", "2"])
    assert run.exit_code == 0, run.output
    assert "Lô 1: 2 hồ sơ đã nâng cấp" in run.output and f"Xong: {len(ids)} hồ sơ đã nâng cấp, 0 lỗi." in run.output
    db.session.expire_all()
    upgraded = db.session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids))).all()
    assert {(case.state_format, case.serializer_version, case.lock_version) for case in upgraded} == {
        (STORAGE_FORMAT, SERIALIZER_VERSION, 1)}
    for version in {case.version for case in upgraded}:
        assert version.spec_format == STORAGE_FORMAT and '"return_condition": null' in version.spec_json
    raw = db.session.execute(text("SELECT state_json FROM process_instance WHERE id IN (%s)"
                                  % ",".join(map(str, ids)))).scalars().all()
    assert all(value.startswith("z1:") for value in raw)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before,
                                                         AuditEvent.event_type == "engine_states_upgraded")).all()
    assert len(events) == 1 and events[0].data["instances"] == len(ids) and events[0].data["failed"] == []

    again = app.test_cli_runner().invoke(args=["processes", "upgrade-states"])
    assert again.exit_code == 0 and "Không có gì cần nâng cấp" in again.output
    assert db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == events[0].seq

    for case in upgraded:  # and the upgraded cases still finish
        row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == case.id)).one()
        complete_task(row.task_uuid, SIGNED, actor=row.assigned_user)
        assert case.status == "completed"


def test_a_state_that_does_not_load_is_reported_and_kept(agency, db, app):
    fixture = json.loads(RELEASES[-1].read_text(encoding="utf-8"))
    instance = _stored_case(agency, db, fixture)
    db.session.execute(text("UPDATE process_instance SET state_json = :broken WHERE id = :id"),
                       {"broken": '{"tasks": 1}', "id": instance.id})
    result = app.test_cli_runner().invoke(args=["processes", "upgrade-states"])
    assert result.exit_code == 1
    assert f"Hồ sơ {instance.id}: không đọc được trạng thái, giữ nguyên" in result.output
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance.id).state_format is None


def test_a_current_spec_round_trips_unchanged():
    parsed = parse_process((FIXTURES / "fixture_sign.bpmn").read_bytes(), "fixture_sign", "fixture_sign.bpmn")
    current = json.loads(RELEASES[-1].read_text(encoding="utf-8"))
    assert json.loads(spec_to_json(parsed)) == json.loads(current["spec_json"])


def test_a_batch_size_out_of_bounds_is_refused_in_vietnamese(app, db):
    result = app.test_cli_runner().invoke(args=["processes", "upgrade-states", "--batch", "0"])
    assert result.exit_code == 2 and "Giá trị không hợp lệ cho '--batch'." in result.output
