"""Designers change a process: drafts are checked like `flask processes sync`, publishing makes the version new
instances start on, running ones keep theirs, and every step is audited."""
import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.designer import drafts, publishing
from app.designer.drafts import DesignError, DraftConflict
from app.designer.models import ProcessDraft
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.export import export_versions
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)
from . import bpmn_edits

CONSULT_FORM = json.dumps({"type": "object", "required": ["legal_opinion"], "properties": {
    "legal_opinion": {"type": "string", "title": "Ý kiến pháp chế", "minLength": 1}}})
CONSULT_UI = json.dumps({"legal_opinion": {"ui:widget": "textarea"}})


def _events(db, event_type):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == event_type)).all()


def _ready_steps(db, instance_id):
    return {t.spec_id for t in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))}


def _task(db, instance_id, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def test_a_published_step_is_followed_by_new_documents_while_running_ones_keep_their_version(
        app, db, office, bring_in, designer):  # noqa: F811
    with app.test_request_context():
        old = bring_in(office).document
        first_version = latest_version("incoming_document")
        draft = drafts.open_draft("incoming_document", actor=designer)
        drafts.save_form("incoming_document", "incoming_document/consult_legal.schema.json", CONSULT_FORM, CONSULT_UI,
                         actor=designer, lock_version=draft.lock_version)
        changed = bpmn_edits.insert_step_after(draft.bpmn_xml, "register", "consult_legal", "Xin ý kiến pháp chế",
                                               "lane_clerk", "incoming_document/consult_legal.schema.json")
        saved = drafts.save_diagram("incoming_document", changed, actor=designer, lock_version=draft.lock_version)
        assert saved.problems == [] and "BPMNShape" in saved.bpmn_xml  # laid out again for the modeler
        version = publishing.publish("incoming_document", actor=designer, note="Thêm bước xin ý kiến pháp chế")
        assert version.number == first_version.number + 1 and version.source == "designer"
        assert "incoming_document/consult_legal.schema.json" in version.forms
        assert db.session.scalars(select(ProcessDraft)).all() == []  # the draft became the version

        new = bring_in(office).document
        assert db.session.get(ProcessInstance, new.instance_id).version.id == version.id
        assert db.session.get(ProcessInstance, old.instance_id).version.id == first_version.id
        for document in (old, new):
            complete_task(_task(db, document.instance_id, "register").task_uuid, {"route": "leader"},
                          actor=office.clerk)
        assert _ready_steps(db, new.instance_id) == {"consult_legal"}
        assert _ready_steps(db, old.instance_id) == {"assign"}  # the old path, unchanged
        complete_task(_task(db, new.instance_id, "consult_legal").task_uuid, {"legal_opinion": "Không vướng"},
                      actor=office.clerk)
        assert _ready_steps(db, new.instance_id) == {"assign"}
    assert [e.data["note"] for e in _events(db, "process_published")] == ["Thêm bước xin ý kiến pháp chế"]
    assert {"process_draft_saved", "process_form_saved"} <= {e.event_type for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == designer.id))}


@pytest.mark.parametrize("edit, element_id, words", [
    (lambda x: x.replace("assign_work/assign.schema.json", "assign_work/missing.schema.json"), "assign",
     "Không tìm thấy tệp biểu mẫu"),
    (lambda x: bpmn_edits.set_attribute(x, "lane_assigner", "name", "Thủ quỹ"), "assign", "không phải vai trò"),
    (lambda x: bpmn_edits.set_script(x, "route_to_assignee", "import os\nos.system('id')"), "route_to_assignee",
     "import"),
    (lambda x: bpmn_edits.add_second_flow(x, "assign", "review"), "assign", "tách ngầm"),
    (lambda x: bpmn_edits.set_script(x, "route_to_assignee", "x = 7 ** (3 * 7 ** 8)"), "route_to_assignee",
     "Phép tính bị từ chối vì quá lớn: lũy thừa"),
    (lambda x: bpmn_edits.set_instructions(x, "assign", "{% for i in range(10**9) %}{% endfor %}"), "assign",
     "Hướng dẫn quá phức tạp để hiển thị"),
])
def test_an_invalid_diagram_is_kept_as_a_draft_with_the_reason_and_cannot_be_published(
        app, db, deployed, designer, edit, element_id, words):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        saved = drafts.save_diagram("assign_work", edit(draft.bpmn_xml), actor=designer, lock_version=draft.lock_version)
        assert any(p["element_id"] == element_id and words in p["message"] for p in saved.problems), saved.problems
        with pytest.raises(DesignError, match="còn"):
            publishing.publish("assign_work", actor=designer, note="Thử")
    assert latest_version("assign_work").number == 1
    assert _events(db, "process_check_failed")


def test_a_gateway_flow_without_condition_or_default_and_an_unreachable_step_are_named(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        edited = bpmn_edits.add_orphan(bpmn_edits.remove_attribute(draft.bpmn_xml, "review_decision", "default"),
                                       "forgotten_step", "lane_assigner")
        saved = drafts.save_diagram("assign_work", edited, actor=designer, lock_version=draft.lock_version)
    messages = {p["element_id"]: p["message"] for p in saved.problems}
    assert "không có điều kiện và không phải luồng mặc định" in messages["accepted"]
    assert "Không có đường nào dẫn tới" in messages["forgotten_step"]


def test_malformed_xml_and_descriptive_models_are_refused_with_a_reason(app, db, deployed, designer):
    with app.test_request_context():
        with pytest.raises(DesignError, match="không phải XML hợp lệ"):
            drafts.save_diagram("assign_work", "<bpmn:definitions", actor=designer, lock_version=0)
        with pytest.raises(DesignError, match="DOCTYPE"):
            drafts.save_diagram("assign_work", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                                '<definitions>&e;</definitions>', actor=designer, lock_version=0)
        draft = drafts.open_draft("assign_work", actor=designer)
        saved = drafts.save_diagram("assign_work", bpmn_edits.set_attribute(draft.bpmn_xml, "assign_work",
                                                                             "isExecutable", "false"),
                                    actor=designer, lock_version=draft.lock_version)
    assert [p["element_id"] for p in saved.problems] == ["assign_work"]
    assert "dạng mô tả" in saved.problems[0]["message"]  # refused in words, before the parser


def test_two_designers_saving_the_same_draft_get_one_winner_and_a_clear_conflict(app, db, deployed, designer, make):
    other = make.user(roles=("designer",), province_wide=True, full_name="Lê Văn Khác")
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        opened = draft.lock_version
        drafts.save_diagram("assign_work", draft.bpmn_xml.replace("Giao việc", "Giao việc mới", 1), actor=other,
                            lock_version=opened)
        with pytest.raises(DraftConflict, match="Lê Văn Khác"):
            drafts.save_diagram("assign_work", draft.bpmn_xml, actor=designer, lock_version=opened)


def test_restore_publishes_the_older_content_again_and_the_diff_names_the_changed_elements(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        drafts.save_diagram("assign_work", bpmn_edits.set_attribute(draft.bpmn_xml, "assign", "name", "Giao việc (mới)"),
                            actor=designer, lock_version=draft.lock_version)
        second = publishing.publish("assign_work", actor=designer, note="Đổi tên bước")
        first = latest_version("assign_work", source="file")
        diff = publishing.diff_versions(first, second)
        assert [element for element, _label in diff.changed] == ["assign"] and not diff.added and not diff.removed
        restored = publishing.restore("assign_work", first.number, actor=designer)
        assert restored.number == 3 and restored.content_sha256 == first.content_sha256
        assert latest_version("assign_work").id == restored.id
        with pytest.raises(DesignError, match="đang được dùng"):
            publishing.restore("assign_work", first.number, actor=designer)
        # A shipped file that did not change never replaces what designers published.
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.created == [] and latest_version("assign_work").id == restored.id
    assert [e.data["restored"] for e in _events(db, "process_rolled_back")] == [1]


def test_sync_keeps_a_designers_version_when_the_shipped_file_changes(app, db, deployed, designer, tmp_path):
    import shutil

    bpmn_dir = tmp_path / "bpmn"
    shutil.copytree(app.config["BPMN_DIR"], bpmn_dir)
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        drafts.save_diagram("assign_work", bpmn_edits.set_attribute(draft.bpmn_xml, "assign", "name", "Giao việc (tỉnh)"),
                            actor=designer, lock_version=draft.lock_version)
        published = publishing.publish("assign_work", actor=designer, note="Theo quy chế tỉnh")
        shipped = bpmn_dir / "assign_work.bpmn"
        shipped.write_text(shipped.read_text().replace('name="Giao việc"', 'name="Giao việc (bản phát hành mới)"', 1))
        report = sync_processes(catalogue(), bpmn_dir, app.config["FORMS_DIR"])
    assert [(p, v.id) for p, v in report.kept] == [("assign_work", published.id)] and report.created == []


def test_export_writes_the_versions_in_use_as_files(app, db, deployed, designer, tmp_path):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        drafts.save_diagram("assign_work", bpmn_edits.set_attribute(draft.bpmn_xml, "assign", "name", "Giao việc (tỉnh)"),
                            actor=designer, lock_version=draft.lock_version)
        publishing.publish("assign_work", actor=designer, note="Theo quy chế tỉnh")
        written = export_versions(catalogue(), tmp_path)
    assert 'name="Giao việc (tỉnh)"' in (tmp_path / "bpmn" / "assign_work.bpmn").read_text()
    assert (tmp_path / "forms" / "assign_work" / "assign.schema.json").is_file() and len(written) > 4


def test_a_data_store_is_refused_as_something_the_engine_cannot_run(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        root = bpmn_edits.parse(draft.bpmn_xml)
        process = root.find(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}process")
        process.append(process.makeelement("{http://www.omg.org/spec/BPMN/20100524/MODEL}dataStoreReference",
                                           {"id": "archive_store", "name": "Kho lưu trữ"}))
        saved = drafts.save_diagram("assign_work", bpmn_edits.text(root), actor=designer,
                                    lock_version=draft.lock_version)
    assert [p["element_id"] for p in saved.problems] == ["archive_store"]
    assert "Kho dữ liệu" in saved.problems[0]["message"]
