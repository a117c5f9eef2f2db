"""Compacting archived cases' process history: only cases whose documents were handed over (and not held);
the audit chain stays whole, replay checks the summary against the digest in the chain, the package still
carries the process events, and a second run does nothing."""
import hashlib
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.audit.canonical import canonical_json
from app.audit.models import AuditEvent
from app.audit.verification import verify_chain
from app.auditing.replay_checks import check_instance, verdict_text
from app.dossiers import closing, filing, services
from app.dossiers.compaction import compact_archived_history, compactable_instances
from app.dossiers.handover import build_package
from app.dossiers.models import RetentionPeriod
from app.dossiers.package_verify import verify_package
from app.jobs.runner import JOBS, SCHEDULE
from app.vietnam_time import vietnam_today
from app.workflow.errors import WorkflowError
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.replay import replay
from app.workflow.runtime import complete_task

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)
from ..pdf_samples import minimal_pdf
from .test_package import NOW, _give_key


def _task(db, instance_id, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def _handled(app, db, office, bring_in, n):  # noqa: F811
    """An incoming document through its whole case: registered, assigned, dispatched, handled (06)."""
    document = bring_in(office, pdf=minimal_pdf(f"Van ban thu gon {n}"), number=str(500 + n)).document
    lead, lead_head, lead_specialist = office.units[0]
    complete_task(_task(db, document.instance_id, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_task(db, document.instance_id, "assign").task_uuid, {
        "directing_opinion": "Chủ trì", "lead_department_id": lead.id,
        "due_date": (vietnam_today() + timedelta(days=10)).isoformat()}, actor=office.leader)
    complete_task(_task(db, document.instance_id, "dispatch_lead").task_uuid,
                  {"specialist": lead_specialist.username}, actor=lead_head)
    complete_task(_task(db, document.instance_id, "handle").task_uuid,
                  {"handling_action": "finish", "handling_note": "Xong", "reply_reference": ""},
                  actor=lead_specialist)
    assert document.status_code == "06"
    return document


def _dossier(app, db, office, notation):  # noqa: F811
    period = RetentionPeriod(name=f"Thu gọn {notation}", years=10, examples="")
    db.session.add(period)
    db.session.flush()
    with app.test_request_context():
        return services.create_dossier(actor=office.clerk, year=2026, notation=notation, title=f"Hồ sơ {notation}",
                                       department_id=None, responsible_id=None, retention_id=period.id,
                                       access="public", note="")


def _file_and_close(app, db, office, documents, notation):  # noqa: F811
    target = _dossier(app, db, office, notation)
    with app.test_request_context():
        for document in documents:
            filing.file_document(document, [target.id], actor=office.clerk)
    db.session.commit()
    with app.test_request_context():
        closing.run_closing(target, actor=office.clerk, files_dir=Path(app.config["FILES_DIR"]))
    return target


def _hand_over(app, db, office, target, tmp_path, name="goi.zip"):  # noqa: F811
    out = tmp_path / name
    with app.test_request_context():
        build_package(office.agency.code, [target.code], out, actor=office.clerk, config=app.config, now=NOW)
    db.session.commit()
    return out


@pytest.fixture
def archived(app, db, office, bring_in, tmp_path):  # noqa: F811
    """Two handled documents in a closed dossier handed over in a package; (dossier, documents)."""
    _give_key(app, office.agency)
    documents = [_handled(app, db, office, bring_in, n) for n in range(2)]
    target = _file_and_close(app, db, office, documents, "TG.01")
    _hand_over(app, db, office, target, tmp_path)
    return target, documents


def _compact(app):
    with app.test_request_context():
        return compact_archived_history()


def _replayed(app, db, instance_id):
    db.session.expire_all()
    with app.test_request_context():
        return replay(db.session.get(ProcessInstance, instance_id))


def _events(db, event_type):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type)
                              .order_by(AuditEvent.seq)).all()


def test_a_handed_over_case_is_compacted_and_still_replays_against_its_anchored_summary(app, db, archived):
    _target, documents = archived
    instance_ids = sorted(d.instance_id for d in documents)
    assert compactable_instances() == instance_ids
    original = db.session.get(ProcessInstance, instance_ids[0]).state_json
    report = _compact(app)
    assert report.instances == instance_ids
    assert report.summary_bytes < report.state_bytes and report.stored_after < report.stored_before
    events = _events(db, "history_compacted")
    assert [int(e.subject_id) for e in events] == instance_ids
    first = events[0]
    assert first.data["state_sha256"] == hashlib.sha256(canonical_json(json.loads(original)).encode()).hexdigest()
    assert first.data["tasks"] > 0 and first.data["steps"] >= 5 and first.data["status"] == "completed"
    db.session.expire_all()
    compacted = db.session.get(ProcessInstance, instance_ids[0])
    assert compacted.history_compacted_at is not None
    summary = json.loads(compacted.state_json)
    assert hashlib.sha256(compacted.state_json.encode()).hexdigest() == first.data["summary_sha256"]
    # who did which step when survives in the summary
    steps = {step[5]: step for step in summary["steps"] if step[1] == "task_completed"}
    assert {"register", "assign", "dispatch_lead", "handle"} <= set(steps)
    assert verify_chain().intact
    result = _replayed(app, db, instance_ids[0])
    assert result.matches, result.problem
    assert result.compacted_seq == first.seq and "thu gọn" in result.note
    with app.test_request_context():
        check = check_instance(db.session.get(ProcessInstance, instance_ids[0]), None)
        assert check.matches and "thu gọn" in verdict_text(check)
    assert verify_chain().intact
    with pytest.raises(WorkflowError):
        load_workflow(compacted, None)


def test_a_changed_summary_is_caught_by_replay(app, db, archived):
    _target, documents = archived
    _compact(app)
    instance = db.session.get(ProcessInstance, documents[0].instance_id)
    summary = json.loads(instance.state_json)
    summary["steps"][1][3] = "nguoi.khac"  # someone rewrites who did a step
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                       .values(state_json=canonical_json(summary)))
    result = _replayed(app, db, instance.id)
    event = _events(db, "history_compacted")[0]
    assert not result.matches and result.divergent_seq == event.seq and "bản tóm tắt đã bị sửa" in result.problem
    # the other case is untouched and still matches; the chain itself is intact (the summary is not in it)
    assert _replayed(app, db, documents[1].instance_id).matches
    assert verify_chain().intact


def test_a_second_run_changes_nothing(app, db, archived):
    _compact(app)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert compactable_instances() == []
    assert _compact(app).instances == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_held_not_handed_over_and_open_dossiers_keep_their_cases_whole(app, db, office, bring_in, tmp_path):  # noqa: F811
    _give_key(app, office.agency)
    held, waiting, in_two, unfiled = (_handled(app, db, office, bring_in, n) for n in range(10, 14))
    held_dossier = _file_and_close(app, db, office, [held], "GI.01")
    _hand_over(app, db, office, held_dossier, tmp_path, "giu.zip")
    with app.test_request_context():
        closing.set_legal_hold(held_dossier, actor=office.clerk, hold=True, reason="Thanh tra yêu cầu")
    db.session.commit()
    _file_and_close(app, db, office, [waiting], "CHO.01")  # closed, not handed over
    handed = _file_and_close(app, db, office, [in_two], "HAI.01")
    _hand_over(app, db, office, handed, tmp_path, "hai.zip")
    second = _dossier(app, db, office, "HAI.02")  # the same document also in a dossier still open
    with app.test_request_context():
        filing.file_document(in_two, [second.id], actor=office.clerk)
    db.session.commit()
    cases = [d.instance_id for d in (held, waiting, in_two, unfiled)]
    states = {i: db.session.get(ProcessInstance, i).state_json for i in cases}
    assert compactable_instances() == []
    assert _compact(app).instances == []
    db.session.expire_all()
    assert {i: db.session.get(ProcessInstance, i).state_json for i in cases} == states
    assert _events(db, "history_compacted") == []
    # lifting the hold makes that one case eligible (and only it)
    with app.test_request_context():
        closing.set_legal_hold(held_dossier, actor=office.clerk, hold=False, reason="Đã xong thanh tra")
    db.session.commit()
    assert compactable_instances() == [held.instance_id]


def test_the_package_of_a_compacted_case_still_carries_its_process_events(app, db, office, archived, tmp_path):  # noqa: F811
    target, documents = archived
    _compact(app)
    out = _hand_over(app, db, office, target, tmp_path, "lai.zip")
    assert verify_package(out) == []
    with zipfile.ZipFile(out) as archive:
        mets = archive.read("METS.xml").decode()
    assert "task_completed" in mets and "history_compacted" in mets and "instance_started" in mets


def test_the_command_lists_then_compacts_and_the_daily_job_is_registered(app, db, archived):
    _target, documents = archived
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["dossiers", "compact-history", "--dry-run"])
    assert listed.exit_code == 0 and "Sẽ thu gọn 2 hồ sơ" in listed.output
    assert _events(db, "history_compacted") == []
    done = runner.invoke(args=["dossiers", "compact-history"])
    assert done.exit_code == 0 and "Đã thu gọn 2 hồ sơ" in done.output, done.output
    again = runner.invoke(args=["dossiers", "compact-history"])
    assert "Không có hồ sơ quy trình nào cần thu gọn" in again.output
    assert JOBS["compact_archived_history"] and SCHEDULE["compact_archived_history"] == 86400.0


def test_the_auditors_page_of_a_compacted_case_replays_and_says_so(app, db, make, archived, login, client):
    _target, documents = archived
    _compact(app)
    auditor = make.user(roles=("auditor",), province_wide=True)
    db.session.commit()
    login(auditor)
    page = client.get(f"/kiem-toan/ho-so/{documents[0].instance_id}?phat_lai=1").get_data(as_text=True)
    assert "Khớp:" in page and "đã được thu gọn khi nộp lưu" in page
    assert "Thu gọn lịch sử xử lý" in page and "Traceback" not in page


def test_a_case_whose_state_cannot_be_loaded_is_skipped_and_reported_the_others_compacted(app, db, archived):
    # A case cancelled from its incident without its state (incidents._stop_unloadable) is such a case.
    _target, documents = archived
    broken = db.session.get(ProcessInstance, documents[0].instance_id)
    broken.state_json = '{"tasks": "not a task tree"}'
    db.session.commit()
    report = _compact(app)
    db.session.commit()
    db.session.expire_all()
    assert report.instances == [documents[1].instance_id] and report.skipped == [documents[0].instance_id]
    assert db.session.get(ProcessInstance, documents[0].instance_id).history_compacted_at is None
    result = app.test_cli_runner().invoke(args=["dossiers", "compact-history"])
    assert result.exit_code == 0 and "không nạp được trạng thái" in result.output, result.output
    assert str(documents[0].instance_id) in result.output


def test_upgrading_engine_states_leaves_compacted_cases_alone(app, db, archived):
    # After a SpiffWorkflow upgrade every stored state is outdated; a summary is not an engine state.
    _target, documents = archived
    _compact(app)
    db.session.commit()
    db.session.execute(update(ProcessInstance).values(serializer_version="1.0"))
    db.session.commit()
    summary = db.session.get(ProcessInstance, documents[0].instance_id).state_json
    result = app.test_cli_runner().invoke(args=["processes", "upgrade-states"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(ProcessInstance, documents[0].instance_id).state_json == summary
