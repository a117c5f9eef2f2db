"""Deploy the catalogued BPMN files as process versions, after checks SpiffWorkflow does not make."""
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin
from SpiffWorkflow.spiff.specs.mixins.service_task import ServiceTask
from sqlalchemy import func, select

from app.audit.services import record
from app.extensions import db

from .assignment import lane_role
from .bpmn_lint import lint
from .engine import (
    SERIALIZER_VERSION,
    STORAGE_FORMAT,
    BpmnDefinitionError,
    parse_process,
    read_bpmn,
    spec_to_json,
)
from .failures import retry_problems
from .forms import FormDefinitionError, FormFiles, form_files, load_form
from .instructions import check_instructions
from .js_lint import JsLintUnavailable, js_lint, lint_options
from .models import ProcessVersion
from .registry import Catalogue, ProcessDefinition
from .scripting import ScriptPolicyError, compile_script

FORM_PROPERTIES = ("formJsonSchemaFilename", "formUiSchemaFilename")


@dataclass
class Problem:
    filename: str
    element_id: str
    message: str

    def __str__(self):
        where = f"{self.filename}" + (f" [{self.element_id}]" if self.element_id else "")
        return f"{where}: {self.message}"


@dataclass
class Candidate:
    definition: ProcessDefinition
    bpmn: bytes
    forms: dict[str, str]
    spec_json: str
    content_sha256: str


@dataclass
class SyncReport:
    problems: list[Problem] = field(default_factory=list)
    created: list[ProcessVersion] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Shipped files that changed while a designer's version is in use: (process id, that version).
    kept: list[tuple[str, ProcessVersion]] = field(default_factory=list)


def check_process(definition: ProcessDefinition, bpmn: bytes, forms_dir: "Path | FormFiles",
                  operators: dict) -> tuple[Candidate | None, list[Problem]]:
    """Parse one process and run our checks; return the deployable candidate or the problems."""
    filename = definition.bpmn_file
    try:
        document = read_bpmn(bpmn)
        # Our structural checks first: they name the element in words where the parser would stop
        # at the first problem in English.
        structural = lint(document, definition.process_id)
        if structural:
            return None, [Problem(filename, element, message) for element, message in structural]
        parsed = parse_process(document, definition.process_id, filename)
    except etree.XMLSyntaxError as error:
        return None, [Problem(filename, "", f"Tệp không phải XML hợp lệ: {error.msg}")]
    except BpmnDefinitionError as error:
        return None, [Problem(filename, error.element_id, error.message)]
    problems, forms = _rule_pack_problems(filename, bpmn, operators), {}
    # Tasks inside (multi-instance) subprocesses live in their own specs: check them too.
    all_task_specs = [t for spec in (parsed.spec, *parsed.subprocess_specs.values()) for t in spec.task_specs.values()]
    for task_spec in all_task_specs:
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
        lane = getattr(task_spec, "lane", None)
        if lane and lane_role(lane) is None:
            problems.append(Problem(filename, element, f"Làn '{lane}' không phải vai trò đã biết."))
        if isinstance(task_spec, UserTaskMixin):
            problems.extend(_check_forms(task_spec, filename, element, forms_dir, forms))
        if isinstance(task_spec, ServiceTask) and task_spec.operation_name not in operators:
            problems.append(Problem(filename, element,
                                    f"Thao tác '{task_spec.operation_name}' chưa được đăng ký."))
        if isinstance(task_spec, ServiceTask):
            problems.extend(Problem(filename, element, reason) for reason in retry_problems(task_spec))
        problems.extend(_check_code(task_spec, filename, element))
        # Rendered on every view of the task: refused here if it fails even without task data.
        instructions = (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser")
        reason = check_instructions(instructions) if instructions else None
        if reason:
            problems.append(Problem(filename, element, reason))
    if problems:
        # The rule pack and the checks below word a missing form, an unknown lane or operator alike: once.
        return None, list({(p.element_id, p.message): p for p in problems}.values())
    digest = hashlib.sha256(bpmn)
    for name in sorted(forms):
        digest.update(name.encode() + b"\0" + forms[name].encode())
    return Candidate(definition, bpmn, forms, spec_to_json(parsed), digest.hexdigest()), []


def _rule_pack_problems(filename: str, bpmn: bytes, operators: dict) -> list[Problem]:
    """Our bpmnlint rules, the modeler's own code run by node (app/workflow/js_lint.py)."""
    try:
        return [Problem(filename, element, message) for element, message in js_lint(bpmn, lint_options(operators))]
    except JsLintUnavailable:
        return [Problem(filename, "", "Không chạy được bộ kiểm tra sơ đồ (node): chưa thể kiểm tra tệp này, "
                                      "báo quản trị hệ thống.")]


def _check_forms(task_spec, filename, element, forms_dir: "Path | FormFiles", forms: dict) -> list[Problem]:
    properties = (task_spec.extensions or {}).get("properties", {})
    schema_file = properties.get("formJsonSchemaFilename")
    if not schema_file:
        return [Problem(filename, element, "Công việc người dùng thiếu formJsonSchemaFilename.")]
    ui_file = properties.get("formUiSchemaFilename")
    files = form_files(forms_dir)
    try:
        # Read once: the texts checked are the texts the version keeps.
        texts = {name: files.read_text(name) for name in filter(None, (schema_file, ui_file))}
        load_form(FormFiles(files.directory, texts), schema_file, ui_file)
    except FormDefinitionError as error:
        return [Problem(filename, element, str(error))]
    forms.update(texts)
    return []


def _code_of(task_spec):
    """Every script and expression the engine will run for this element, with its compile mode."""
    for attribute in ("script", "prescript", "postscript"):
        if getattr(task_spec, attribute, None):
            yield getattr(task_spec, attribute), "exec"
    for condition, _target in getattr(task_spec, "cond_task_specs", ()):
        if condition is not None:  # SpiffWorkflow keeps the expression as the condition's only arg
            yield condition.args[0], "eval"
    event = getattr(task_spec, "event_definition", None)
    if isinstance(task_spec, CatchingEvent) and getattr(event, "expression", None):
        yield event.expression, "eval"


def _check_code(task_spec, filename: str, element: str) -> list[Problem]:
    """Compile scripts, conditions and timer expressions in the restricted engine now, not at run time."""
    problems = []
    for source, mode in _code_of(task_spec):
        try:
            compile_script(source, mode)
        except ScriptPolicyError as error:
            problems.append(Problem(filename, element, str(error)))
    return problems


def sync_processes(catalogue: Catalogue, bpmn_dir: Path, forms_dir: Path, *, actor=None) -> SyncReport:
    """Deploy every catalogued process whose files changed; deploy nothing if any has a problem."""
    report, candidates = SyncReport(), []
    for definition in catalogue.processes.values():
        path = bpmn_dir / definition.bpmn_file
        if not path.is_file():
            report.problems.append(Problem(definition.bpmn_file, "", "Không tìm thấy tệp BPMN."))
            continue
        candidate, problems = check_process(definition, path.read_bytes(), forms_dir, catalogue.operators)
        report.problems.extend(problems)
        if candidate:
            candidates.append(candidate)
    if report.problems:
        return report
    for candidate in candidates:
        process_id = candidate.definition.process_id
        shipped, current = latest_version(process_id, source="file"), latest_version(process_id)
        if candidate.content_sha256 in {v.content_sha256 for v in (shipped, current) if v is not None}:
            report.unchanged.append(process_id)
        elif current is not None and current.source != "file":
            # Published edits live in the database: an update of the shipped default never replaces
            # them silently (the designer compares with `flask processes export` and decides).
            report.kept.append((process_id, current))
        else:
            report.created.append(deploy(candidate, actor=actor))
    return report


def deploy(candidate: Candidate, *, actor=None, note: str = "", source: str = "file") -> ProcessVersion | None:
    """Store a new version unless the content is the one in use already (then None)."""
    process_id = candidate.definition.process_id
    latest = latest_version(process_id)
    if latest is not None and latest.content_sha256 == candidate.content_sha256:
        return None
    number = (db.session.scalar(select(func.max(ProcessVersion.number))
                                .where(ProcessVersion.process_id == process_id)) or 0) + 1
    version = ProcessVersion(process_id=process_id, number=number, content_sha256=candidate.content_sha256,
                             bpmn_xml=candidate.bpmn.decode("utf-8"), forms=candidate.forms,
                             spec_json=candidate.spec_json, serializer_version=SERIALIZER_VERSION,
                             spec_format=STORAGE_FORMAT,
                             created_by_id=actor.id if actor else None, note=note, source=source)
    db.session.add(version)
    db.session.flush()
    record("process_version_deployed", actor=actor, subject=version, process_id=process_id,
           number=number, content_sha256=candidate.content_sha256, source=source, note=note)
    return version


def latest_version(process_id: str, source: str | None = None) -> ProcessVersion | None:
    """The version new instances start on (the highest number), or the latest from one source."""
    statement = select(ProcessVersion).where(ProcessVersion.process_id == process_id)
    if source is not None:
        statement = statement.where(ProcessVersion.source == source)
    return db.session.scalars(statement.order_by(ProcessVersion.number.desc())).first()

