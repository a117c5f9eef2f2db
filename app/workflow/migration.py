"""Moving a running case's engine state from one published version of its process to another.

A plan is computed from the two versions: every step a case can wait at in the old version (user
tasks, timers, message catches) maps to a step of the new one, by the same id unless the designer
says otherwise; what cannot be mapped is refused with the reason. Applying the plan to a state is a
pure function of (state, the two specs, the mapping): live moves and replay run the same code, so a
replayed case that reaches the migration the record names lands on the same state.

The state keeps its tree: finished steps stay as history under their new spec (a step the new version
no longer has is taken out of the history, its children joined to its parent), the waiting steps move
to their mapped spec with their data and timers, and what the old version predicted after them is
dropped and predicted again from the new one. A moved manual task gets a new task id, so an answer
written for the old version's form is refused instead of landing on the new step.
"""
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit, BpmnStartTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .engine import SERIALIZER_VERSION, state_to_json, workflow_from_state
from .runtime import task_data_digest

# Derived specs the parser adds around a step with boundary events: they follow the step's id.
_DERIVED_SUFFIXES = (".BoundaryEventSplit", ".BoundaryEventJoin")
_UNFINISHED = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_PREDICTED = TaskState.FUTURE | TaskState.PREDICTED_MASK
MAX_STEP_ID = 128


class MigrationRefused(Exception):
    """A case (or a plan) that cannot be moved; the message says why, in Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class StepMapping:
    """One step a case can wait at in the old version, and where the plan moves it."""

    old_id: str
    old_name: str
    kind: str
    new_id: str | None
    new_name: str = ""
    overridden: bool = False
    refusal: str | None = None


@dataclass
class Plan:
    """Where each waiting step of the old spec goes in the new one; `mapping` holds the designer's overrides
    (what the audit chain records and replay applies again)."""

    steps: list[StepMapping]
    mapping: dict[str, str]
    changed_joins: list[str] = field(default_factory=list)

    def step(self, old_id: str) -> StepMapping | None:
        return next((s for s in self.steps if s.old_id == old_id), None)

    @property
    def refused(self) -> list[StepMapping]:
        return [s for s in self.steps if s.refusal]


def _kind(task_spec) -> str | None:
    """What the case waits for at this step, in words; None when a case never waits there."""
    if isinstance(task_spec, SubWorkflowTask):
        return _("Tiến trình con / gọi quy trình")
    if getattr(task_spec, "manual", False):
        return _("Công việc người dùng")
    if isinstance(task_spec, CatchingEvent) and not isinstance(task_spec, (StartEvent, BpmnStartTask)):
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            return _("Hẹn giờ")
        if isinstance(definition, MessageEventDefinition):
            return _("Chờ thông điệp")
        return _("Chờ sự kiện")
    return None


def _label(task_spec) -> str:
    return getattr(task_spec, "bpmn_name", None) or task_spec.name


def _shape(task_spec) -> tuple[str, str]:
    """The spec's class and its event's class: a step whose shape changes is a different kind of step."""
    definition = getattr(task_spec, "event_definition", None)
    return type(task_spec).__name__, type(definition).__name__ if definition is not None else ""


def new_name(name: str, mapping: dict[str, str], new_specs: dict) -> str | None:
    """The new version's spec for an old spec name (the designer's mapping first, then the same id)."""
    for suffix in _DERIVED_SUFFIXES:
        if name.endswith(suffix):
            base = new_name(name[: -len(suffix)], mapping, new_specs)
            target = base + suffix if base else None
            return target if target in new_specs else None
    target = mapping.get(name, name)
    return target if target in new_specs else None


def _boundary_events(task_spec_name: str, specs: dict, mapping: dict | None = None) -> list[str] | None:
    split = specs.get(task_spec_name + ".BoundaryEventSplit")
    if not isinstance(split, BoundaryEventSplit):
        return None
    names = [o.name for o in split.outputs if o.name != task_spec_name]
    return sorted(mapping.get(n, n) for n in names) if mapping is not None else sorted(names)


def _joins(spec) -> dict:
    return {name: task_spec for name, task_spec in spec.task_specs.items()
            if isinstance(task_spec, (ParallelGateway, InclusiveGateway)) and len(task_spec.inputs) > 1}


def waiting_step_choices(spec) -> list[tuple[str, str, str]]:
    """(id, name, kind) of every step a case can wait at in `spec`: what a designer may map a step to."""
    return sorted(((name, _label(task_spec), _kind(task_spec)) for name, task_spec in spec.task_specs.items()
                   if _kind(task_spec)), key=lambda choice: choice[1])


def compute_plan(old_spec, new_spec, overrides: dict[str, str]) -> Plan:
    """Map every waiting step of `old_spec` to `new_spec`; overrides (old id -> new id) rename steps.

    Raises MigrationRefused when the overrides themselves are unusable (a step that is not a waiting step,
    an id too long, two steps sent to one).
    """
    old_specs, new_specs = old_spec.task_specs, new_spec.task_specs
    waiting = {name: spec for name, spec in old_specs.items() if _kind(spec)}
    for old_id, new_id in overrides.items():
        if old_id not in waiting:
            raise MigrationRefused(_("Bước %(step)s không phải bước chờ của phiên bản cũ.", step=old_id[:MAX_STEP_ID]))
        if not new_id or len(new_id) > MAX_STEP_ID:
            raise MigrationRefused(_("Mã bước mới cho %(step)s không hợp lệ.", step=old_id))
    steps, targets = [], {}
    for name in sorted(waiting, key=lambda n: _label(waiting[n])):
        spec = waiting[name]
        target = new_name(name, overrides, new_specs)
        step = StepMapping(name, _label(spec), _kind(spec), target,
                           _label(new_specs[target]) if target else "", name in overrides)
        step.refusal = _refusal(spec, target, new_specs, old_specs, overrides)
        if target and not step.refusal and target in targets:
            step.refusal = _("Bước %(a)s và %(b)s cùng được chuyển tới bước %(target)s.", a=targets[target],
                             b=name, target=target)
        targets.setdefault(target, name)
        steps.append(step)
    changed = []
    for name, join in _joins(old_spec).items():
        target = new_name(name, overrides, new_specs)
        inputs = sorted(new_name(i.name, overrides, new_specs) or "?" for i in join.inputs)
        if target is None or _shape(new_specs[target]) != _shape(join) or inputs != sorted(
                i.name for i in new_specs[target].inputs):
            changed.append(name)
    return Plan(steps, dict(overrides), sorted(changed))


def _refusal(spec, target: str | None, new_specs: dict, old_specs: dict, overrides: dict) -> str | None:
    name = spec.name
    if isinstance(spec, SubWorkflowTask):
        return _("Bước %(step)s là tiến trình con hoặc gọi quy trình khác: chưa chuyển được hồ sơ đang ở trong "
                 "bước này.", step=_label(spec))
    if target is None:
        return _("Bước chờ %(step)s không còn trong phiên bản mới (đổi mã thì chọn bước tương ứng).",
                 step=_label(spec))
    if _shape(new_specs[target]) != _shape(spec):
        return _("Bước %(step)s đổi loại ở phiên bản mới (%(old)s → %(new)s).", step=_label(spec),
                 old=_kind(spec), new=_kind(new_specs[target]) or type(new_specs[target]).__name__)
    if isinstance(spec, BoundaryEvent):
        attached_old = name_of_attached(spec, old_specs)
        attached_new = name_of_attached(new_specs[target], new_specs)
        if new_name(attached_old or "", overrides, new_specs) != attached_new:
            return _("Sự kiện biên %(step)s gắn vào bước khác ở phiên bản mới.", step=_label(spec))
    if _boundary_events(name, old_specs, overrides) != _boundary_events(target, new_specs):
        return _("Các sự kiện biên (hẹn giờ, thông điệp) gắn với bước %(step)s thay đổi ở phiên bản mới.",
                 step=_label(spec))
    return None


def name_of_attached(boundary_spec, specs: dict) -> str | None:
    """The step a boundary event is attached to (its split's step)."""
    for split in boundary_spec.inputs:
        if isinstance(split, BoundaryEventSplit):
            return split.name[: -len(".BoundaryEventSplit")]
    return None


# --- one case -----------------------------------------------------------------------------------------

def waiting_steps(workflow) -> list[str]:
    """The steps the case waits at (spec names), boundary timers included."""
    return sorted({t.task_spec.name for t in workflow.get_tasks(state=_UNFINISHED) if _kind(t.task_spec)})


def check_case(workflow, plan: Plan) -> None:
    """Refuse a case the plan cannot move (raises MigrationRefused with the reason)."""
    if workflow.is_completed():
        raise MigrationRefused(_("Hồ sơ đã kết thúc."))
    if any(not sp.is_completed() for sp in workflow.subprocesses.values()):
        raise MigrationRefused(_("Hồ sơ đang ở trong một tiến trình con hoặc quy trình được gọi: chưa chuyển được."))
    unfinished = workflow.get_tasks(state=_UNFINISHED)
    for task in unfinished:
        if not _kind(task.task_spec):
            continue
        step = plan.step(task.task_spec.name)
        if step is None:
            raise MigrationRefused(_("Bước %(step)s không thuộc phiên bản cũ của kế hoạch.", step=task.task_spec.name))
        if step.refusal:
            raise MigrationRefused(step.refusal)
    tokens = [t for t in unfinished if not isinstance(t.task_spec, BoundaryEvent) and _kind(t.task_spec)]
    joining = [t for t in unfinished if t.task_spec.name in plan.changed_joins]
    if plan.changed_joins and (len(tokens) > 1 or joining):
        raise MigrationRefused(_("Hồ sơ đang chạy song song nhiều nhánh và cổng hợp nhánh %(joins)s thay đổi cấu "
                                 "trúc ở phiên bản mới.", joins=", ".join(plan.changed_joins)))


def apply_plan(workflow, plan: Plan, new_spec, new_subprocess_specs: dict, script_engine, *, fresh_ids: bool = True):
    """A new workflow on `new_spec` holding the case's state moved by the plan (the old one is left as is).

    Returns (workflow, moved task ids old -> new). `fresh_ids=False` keeps task ids (replay: ids differ
    between runs anyway and are not compared).
    """
    check_case(workflow, plan)
    state = json.loads(state_to_json(workflow))
    tasks = state["tasks"]
    new_specs = new_spec.task_specs

    def drop(task_id: str) -> None:
        for child in tasks[task_id]["children"]:
            drop(child)
        del tasks[task_id]

    # What the old version predicted after the open steps goes; the new version predicts again.
    for task_id, task in list(tasks.items()):
        if task_id in tasks and task["state"] & _PREDICTED:
            parent = tasks.get(task["parent"]) if task["parent"] else None
            if parent is not None and not parent["state"] & TaskState.FINISHED_MASK:
                parent["children"].remove(task_id)
                drop(task_id)
    renamed = {}
    for task_id in _preorder(tasks, state["root"]):
        task = tasks[task_id]
        target = new_name(task["task_spec"], plan.mapping, new_specs)
        if target is not None:
            renamed[task_id] = target
            continue
        if not task["state"] & TaskState.FINISHED_MASK:
            raise MigrationRefused(_("Hồ sơ đang dừng ở bước %(step)s, không có trong phiên bản mới.",
                                     step=task["task_spec"]))
        if task_id == state["root"]:
            raise MigrationRefused(_("Phiên bản mới không có bước bắt đầu của hồ sơ."))
        _splice_out(tasks, task_id)
    for task_id, target in renamed.items():
        tasks[task_id]["task_spec"] = target
    if state.get("last_task") not in tasks:
        state["last_task"] = None
    moved = {}
    if fresh_ids:
        for task_id in [t for t, task in tasks.items() if task["state"] & TaskState.READY
                        and getattr(new_specs[task["task_spec"]], "manual", False)]:
            moved[task_id] = _renumber(state, task_id, str(uuid.uuid4()))
    try:
        moved_workflow = workflow_from_state(json.dumps(state), SERIALIZER_VERSION, new_spec, new_subprocess_specs,
                                             None, script_engine)
        for task in moved_workflow.get_tasks(state=_UNFINISHED):
            if not task.children:
                task.task_spec._predict_hook(task)
                for child in task.children:
                    child.task_spec._predict(child, mask=_PREDICTED)
        # Through the serializer once more: the object is what the next load of the stored state gives.
        moved_workflow = workflow_from_state(state_to_json(moved_workflow), SERIALIZER_VERSION, new_spec,
                                             new_subprocess_specs, None, script_engine)
    except (SpiffWorkflowException, KeyError, AttributeError, ValueError) as error:
        raise MigrationRefused(_("Bộ máy quy trình không nhận trạng thái sau khi chuyển (%(error)s).",
                                 error=str(error).splitlines()[0][:200])) from None
    return moved_workflow, moved


def _preorder(tasks: dict, root: str) -> list[str]:
    order, stack = [], [root]
    while stack:
        task_id = stack.pop()
        order.append(task_id)
        stack.extend(reversed(tasks[task_id]["children"]))
    return order


def _splice_out(tasks: dict, task_id: str) -> None:
    """Take a finished step out of the history: its children take its place under its parent."""
    task = tasks.pop(task_id)
    parent = tasks[task["parent"]]
    at = parent["children"].index(task_id)
    parent["children"][at:at + 1] = task["children"]
    for child in task["children"]:
        tasks[child]["parent"] = task["parent"]
        # The child held its own copy of the data already: nothing of the case's data is lost.


def _renumber(state: dict, old_id: str, new_id: str) -> str:
    tasks = state["tasks"]
    task = tasks.pop(old_id)
    task["id"] = new_id
    tasks[new_id] = task
    parent = tasks.get(task["parent"]) if task["parent"] else None
    if parent is not None:
        parent["children"] = [new_id if c == old_id else c for c in parent["children"]]
    for child in task["children"]:
        tasks[child]["parent"] = new_id
    if state.get("last_task") == old_id:
        state["last_task"] = new_id
    return new_id


def state_digest(workflow) -> str:
    """SHA-256 of what replay compares of a state (each task's step, state and data, and the case's data):
    task ids and times differ between runs by design."""
    tasks = sorted([t.task_spec.name, int(t.state), task_data_digest(t.data)] for t in workflow.get_tasks())
    text = json.dumps([tasks, task_data_digest(workflow.data)], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
