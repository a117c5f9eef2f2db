"""Our bpmnlint rules (app/workflow/bpmnlint), run the way the server runs them at every check (node, the
same files the modeler bundles): each rule has a diagram that breaks it and one that keeps it, the shipped
diagrams keep them all, and publishing refuses a draft that breaks one, with the reason in Vietnamese."""
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.designer import drafts, publishing
from app.designer.drafts import DesignError
from app.workflow.deployment import check_process, latest_version
from app.workflow.js_lint import js_lint, lint_options
from app.workflow.registry import catalogue

FIXTURES = Path(__file__).parent / "lint_fixtures"
BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"

# rule -> the elements its failing diagram must be reported on, and words of the message.
BROKEN = {
    "user-task-lane-form": ({"no_lane": "không nằm trong làn nào", "no_form": "thiếu formJsonSchemaFilename",
                             "odd_lane": "Làn 'Thủ kho' không phải vai trò đã biết"}),
    "incoming-reaches-completed": {"filed_end": "chưa tới trạng thái 06"},
    "secret-not-sent-outside": {"release_service": "văn bản mật có thể tới đây",
                                "notify_outside": "văn bản mật có thể tới đây"},
    "deadline-timer-working-days": {"reminder": "ngày làm việc", "overdue": "ngày làm việc"},
    "service-task-operator": {"record": "chưa chọn thao tác", "note": "Thao tác 'documents.unknown_thing' chưa được đăng ký"},
}


def _lint(app, path: Path) -> dict[str, str]:
    with app.app_context():
        reports = js_lint(path.read_bytes(), lint_options(catalogue().operators))
    return dict(reports)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_reports_its_failing_diagram_on_the_elements_that_break_it(app, rule):
    found = _lint(app, FIXTURES / f"{rule}.fail.bpmn")
    assert set(found) == set(BROKEN[rule]), found
    for element, words in BROKEN[rule].items():
        assert words in found[element]


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_accepts_its_passing_diagram(app, rule):
    assert _lint(app, FIXTURES / f"{rule}.pass.bpmn") == {}


def test_every_rule_has_its_pair_of_diagrams():
    rules = {p.name.split(".")[0] for p in FIXTURES.glob("*.bpmn")}
    assert rules == set(BROKEN)
    assert all((FIXTURES / f"{r}.{kind}.bpmn").is_file() for r in rules for kind in ("fail", "pass"))


@pytest.mark.parametrize("definition", sorted(p.name for p in BPMN_DIR.glob("*.bpmn")))
def test_the_shipped_diagrams_keep_every_rule(app, definition):
    assert _lint(app, BPMN_DIR / definition) == {}


def test_the_rules_judge_by_the_registry(app):
    with app.app_context():
        options = lint_options(catalogue().operators)
    # A lane may be named by the role's key or its Vietnamese name, as the engine accepts (lane_role).
    assert {"specialist", "Chuyên viên", "Lãnh đạo"} <= set(options["roles"])
    assert "documents.complete" in options["operators"] and "outgoing.release" in options["operators"]


def test_an_upload_is_checked_by_the_same_rules(app, deployed):
    with app.test_request_context():
        definition = catalogue().processes["incoming_document"]
        edited = (BPMN_DIR / "incoming_document.bpmn").read_bytes().replace(
            b'serviceTaskOperator id="documents.complete"', b'serviceTaskOperator id="documents.record_handling"')
        candidate, problems = check_process(definition, edited, app.config["FORMS_DIR"], catalogue().operators)
    assert candidate is None
    assert [(p.element_id, "trạng thái 06" in p.message) for p in problems] == [("done", True)]


def test_publish_refuses_a_draft_that_breaks_a_rule_of_ours_with_the_reason(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("outgoing_document", actor=designer)
        # The guard before release now lets secret documents through.
        edited = draft.bpmn_xml.replace('draft_saved["secrecy"] == 0 or not draft_saved["external"]',
                                        'draft_saved["urgency"] == 0 or not draft_saved["external"]')
        assert edited != draft.bpmn_xml
        saved = drafts.save_diagram("outgoing_document", edited, actor=designer, lock_version=draft.lock_version)
        assert [p["element_id"] for p in saved.problems] == ["release_service"]
        assert "gửi văn bản ra ngoài hệ thống nhưng văn bản mật có thể tới đây" in saved.problems[0]["message"]
        with pytest.raises(DesignError, match="còn 1 lỗi"):
            publishing.publish("outgoing_document", actor=designer, note="Bỏ kiểm tra độ mật")
    assert latest_version("outgoing_document").number == 1
    failed = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "process_check_failed")).all()
    assert failed and failed[-1].data["problems"][0]["element_id"] == "release_service"
