"""A process run in a sandbox (designers' test runs): the real engine, scripts and forms, nothing else real.

The state lives in the caller's hands (a JSON text), never in ProcessInstance or the task inbox. Service
tasks do not call their operators (which number, sign and change documents): each answers with the
sample its process declares for it (ProcessDefinition.samples, computed from the task data alone), or
nothing. Signing steps take a simulated signature. Timers fire when the designer says so.
"""
import json
from dataclasses import dataclass, field
from uuid import UUID

from flask_babel import gettext as _
from SpiffWorkflow.util.task import TaskState

from .engine import SERIALIZER_VERSION, new_workflow, state_to_json, workflow_from_state
from .engine_steps import run_engine
from .errors import WorkflowError
from .replay import fire_timers_now, specs_with_timers_on_demand, waiting_timers
from .scripting import RestrictedScriptEngine
from .scripting_runtime import OperatorEnvironment, work_calendar
from .signing_node import SIGNATURE_RESULT_KEY, SigningTask
from .walkthrough import element_marks, plain


@dataclass
class SandboxTask:
    id: str
    element: str
    title: str
    lane: str | None
    schema_file: str | None
    ui_file: str | None
    instructions: str
    signing_kind: str | None
    data: dict


@dataclass
class SandboxState:
    state_json: str
    finished: bool
    ready: list[SandboxTask]
    timers: list[str]
    marks: dict
    data: dict
    service_calls: list[dict] = field(default_factory=list)


class SampleServices(OperatorEnvironment):
    def __init__(self, calendar, samples: dict, calls: list):
        super().__init__(calendar, operators={}, instance=None, actor=None)
        self.samples, self.calls = samples, calls

    def call_service(self, context, operation_name=None, operation_params=None, task_data=None):
        sample = self.samples.get(operation_name)
        result = sample(dict(task_data or {})) if sample else {}
        self.calls.append({"operator": operation_name, "result": result})
        return json.dumps(result, default=str)


def _engine(samples: dict, calls: list) -> RestrictedScriptEngine:
    calendar = work_calendar()
    return RestrictedScriptEngine(calendar, environment=SampleServices(calendar, samples, calls))


def start(spec_json: str, data: dict, samples: dict) -> SandboxState:
    calls: list = []
    spec, subprocess_specs = specs_with_timers_on_demand(spec_json)
    workflow = new_workflow(spec, subprocess_specs, _engine(samples, calls), data)
    run_engine(workflow.do_engine_steps)
    return _state(workflow, calls)


def _load(spec_json: str, state_json: str, samples: dict, calls: list):
    spec, subprocess_specs = specs_with_timers_on_demand(spec_json)
    return workflow_from_state(state_json, SERIALIZER_VERSION, spec, subprocess_specs, spec_json,
                               _engine(samples, calls))


def complete(spec_json: str, state_json: str, task_id: str, data: dict, samples: dict) -> SandboxState:
    calls: list = []
    workflow = _load(spec_json, state_json, samples, calls)
    task = workflow.get_task_from_id(UUID(task_id))
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise WorkflowError(_("Bước này không còn chờ xử lý trong lần chạy thử."))
    task.data.update(data)
    if isinstance(task.task_spec, SigningTask):  # simulated: nothing is signed in a test run
        task.data[SIGNATURE_RESULT_KEY] = {"verified": True, "kind": task.task_spec.kind,
                                           "document": task.task_spec.document, "simulated": True}
    run_engine(lambda: (task.run(), workflow.do_engine_steps()))
    return _state(workflow, calls)


def fire_timer(spec_json: str, state_json: str, element: str, samples: dict) -> SandboxState:
    calls: list = []
    workflow = _load(spec_json, state_json, samples, calls)
    timers = waiting_timers(workflow, {element})
    if not timers:
        raise WorkflowError(_("Hẹn giờ này không còn chờ trong lần chạy thử."))
    run_engine(lambda: fire_timers_now(workflow, timers))
    return _state(workflow, calls)


def _state(workflow, calls: list) -> SandboxState:
    completed, active, cancelled, data = element_marks(workflow)
    ready = [_task(t) for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    timers = sorted({t.task_spec.name for t in waiting_timers(workflow)})
    return SandboxState(state_to_json(workflow), workflow.is_completed(), ready, timers,
                        {"completed": completed, "active": active, "cancelled": cancelled}, data, calls)


def _task(task) -> SandboxTask:
    spec = task.task_spec
    extensions = getattr(spec, "extensions", None) or {}
    properties = extensions.get("properties", {})
    return SandboxTask(str(task.id), spec.bpmn_id or spec.name, spec.bpmn_name or spec.name, spec.lane,
                       properties.get("formJsonSchemaFilename"), properties.get("formUiSchemaFilename"),
                       extensions.get("instructionsForEndUser") or "",
                       spec.kind if isinstance(spec, SigningTask) else None, plain(dict(task.data)))
