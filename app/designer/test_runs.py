"""Designers' test runs: play a draft's lanes through its real forms in a sandbox (app.workflow.sandbox).

Nothing real is touched: no process instance or inbox row, no document, number or signature, no audit
event; the run's own row holds its state. The designer plays every lane, so no assignment applies.
"""
import json
from dataclasses import asdict

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.directory.models import User
from app.extensions import db
from app.workflow import sandbox
from app.workflow.deployment import latest_version
from app.workflow.diagram_layout import with_diagram
from app.workflow.errors import WorkflowError
from app.workflow.form_submission import parse_submission
from app.workflow.forms import FormDefinitionError, FormFiles, TaskForm, load_form
from app.workflow.runtime import starting_data
from app.workflow.walkthrough import changed_keys

from .drafts import DesignError, check_draft, definition_of, draft_of
from .models import TestRun

MAX_START_DATA = 64 * 1024


class StepRefused(DesignError):
    """The submitted form does not validate: field → Vietnamese message, the values kept."""

    def __init__(self, errors: dict, values: dict):
        super().__init__(_("Biểu mẫu còn lỗi."))
        self.errors, self.values = errors, values


def start_test_run(process_id: str, *, actor: User, start_data: str) -> TestRun:
    """Run the draft (or the version in use when there is no draft) from its start with the given data."""
    definition = definition_of(process_id)
    data = starting_data(definition, actor, _start_data(start_data))
    draft = draft_of(process_id)
    if draft is not None:
        result = check_draft(draft)
        if result.problems:
            raise DesignError(_("Bản nháp còn %(n)s lỗi: sửa trước khi chạy thử.", n=len(result.problems)))
        bpmn_xml, spec_json, forms = draft.bpmn_xml, result.candidate.spec_json, result.candidate.forms
    else:
        version = latest_version(process_id)
        bpmn_xml, spec_json, forms = version.bpmn_xml, version.spec_json, version.forms
    state = _sandboxed(lambda: sandbox.start(spec_json, data, definition.samples))
    run = TestRun(process_id=process_id, started_by_id=actor.id, bpmn_xml=with_diagram(bpmn_xml).decode("utf-8"),
                  forms=forms, spec_json=spec_json, state_json="", ready=[], timers=[], steps=[])
    _apply(run, state, _("Bắt đầu"), None, data)
    db.session.add(run)
    db.session.flush()
    return run


def open_test_run(run_id: int, *, actor: User) -> TestRun | None:
    """The run, for the designer who started it (or an admin)."""
    run = db.session.get(TestRun, run_id)
    if run is None or (run.started_by_id != actor.id and not actor.has_role("admin")):
        return None
    return run


def task_form(run: TestRun, task: dict) -> TaskForm | None:
    if not task.get("schema_file"):
        return None
    try:
        return load_form(FormFiles(current_app.config["FORMS_DIR"], dict(run.forms)), task["schema_file"],
                         task.get("ui_file"))
    except FormDefinitionError as error:
        raise DesignError(str(error)) from None


def complete_test_step(run: TestRun, task_id: str, formdata, choices: dict) -> None:
    task = next((t for t in run.ready if t["id"] == task_id), None)
    if task is None:
        raise DesignError(_("Bước này không còn chờ xử lý trong lần chạy thử."))
    form = task_form(run, task)
    data = {}
    if form is not None:
        data, errors = parse_submission(form, formdata, choices)
        if errors:
            raise StepRefused(errors, data)
    definition = definition_of(run.process_id)
    state = _sandboxed(lambda: sandbox.complete(run.spec_json, run.state_json, task_id, data, definition.samples))
    _apply(run, state, _("Hoàn thành: %(step)s", step=task["title"]), task.get("lane"), data)


def fire_test_timer(run: TestRun, element: str) -> None:
    definition = definition_of(run.process_id)
    state = _sandboxed(lambda: sandbox.fire_timer(run.spec_json, run.state_json, element, definition.samples))
    _apply(run, state, _("Hẹn giờ: %(timer)s", timer=element), None, {})


def runs_of(process_id: str, actor: User) -> list[TestRun]:
    return list(db.session.scalars(select(TestRun).where(TestRun.process_id == process_id,
                                                         TestRun.started_by_id == actor.id)
                                   .order_by(TestRun.id.desc()).limit(10)))


def _start_data(text: str) -> dict:
    text = (text or "").strip() or "{}"
    if len(text.encode()) > MAX_START_DATA:
        raise DesignError(_("Dữ liệu khởi tạo quá lớn."))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DesignError(_("Dữ liệu khởi tạo không phải JSON hợp lệ (dòng %(line)s, cột %(col)s).",
                            line=error.lineno, col=error.colno)) from None
    if not isinstance(data, dict):
        raise DesignError(_("Dữ liệu khởi tạo phải là một đối tượng JSON."))
    return data


def _sandboxed(step):
    try:
        return step()
    except WorkflowError as error:
        raise DesignError(_("Lần chạy thử dừng lại. %(reason)s", reason=str(error))) from None


def _apply(run: TestRun, state, label: str, lane: str | None, submitted: dict) -> None:
    before = run.steps[-1]["data"] if run.steps else {}
    run.state_json = state.state_json
    run.ready = [asdict(t) for t in state.ready]
    run.timers = state.timers
    run.status = "finished" if state.finished else "running"
    run.steps = [*run.steps, {
        "seq": len(run.steps) + 1, "label": label, "lane": lane, "submitted": submitted,
        "service_calls": state.service_calls, **state.marks, "data": state.data,
        "changed": changed_keys(before, state.data)}]
