"""Replay: re-execute an instance from its pinned process version, feeding the recorded inputs in order,
and check after each one that the engine does what the record says.

Inputs, from the audit chain: the start's data; each completion (task spec, its lane, the actor, the
data submitted, and the SHA-256 of the task's data afterwards); the service tasks' answers (operators
are never called again: their recorded results are handed back in the order the engine asks); the
timers that fired. A replayed workflow fires only the timers the record says fired (the real ones
fire on the clock; replay runs later, when every deadline has passed). Task ids and times differ between runs by design; replay
compares meaning: which step, whose lane, whose hand, what data. At the end the stored state must
hold the same tasks in the same states with the same data, whether the case runs or has ended. A case
whose history was compacted (app.workflow.compaction) no longer has that state: its summary is checked
against the digest the chain recorded, and the replayed end is compared with the summary instead.
"""
import json
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cache

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from app.extensions import db

from .compaction import SummaryMismatch, compacted_final_state, final_state, ready_tasks
from .engine import new_workflow, specs_from_json
from .history import instance_events
from .instance_state import load_workflow
from .migration import MigrationRefused, apply_plan, compute_plan, state_digest
from .models import ProcessInstance, ProcessVersion
from .runtime import task_data_digest
from .scripting import RestrictedScriptEngine
from .scripting_runtime import OperatorEnvironment, work_calendar
from .timers import set_case_values

# An incident's failure is an input too: the step failed where the record says (a service whose answer
# was not recorded before the event, or a script that fails again the same way), and the repairs
# (retry, edited data, skip) run it again as they did.
FAILURE_EVENTS = ("incident_opened", "incident_failed_again")
REPAIR_EVENTS = ("incident_retried", "incident_data_edited", "incident_skipped")
REPLAYED_EVENTS = ("instance_started", "task_completed", "timer_fired", "case_values_changed", "instance_cancelled",
                   "instance_migrated", *FAILURE_EVENTS, *REPAIR_EVENTS)


@dataclass
class ReplayResult:
    matches: bool
    events: int
    divergent_seq: int | None = None
    problem: str | None = None
    details: list[str] = field(default_factory=list)
    compacted_seq: int | None = None  # the history_compacted event whose summary the end was compared with

    @property
    def note(self) -> str | None:
        if self.compacted_seq is None:
            return None
        return _("Lịch sử xử lý của hồ sơ đã được thu gọn khi nộp lưu (sự kiện số %(seq)s): kết quả phát lại được "
                 "so với bản tóm tắt, bản tóm tắt khớp mã băm ghi trong nhật ký.", seq=self.compacted_seq)


class Divergence(Exception):
    def __init__(self, seq: int | None, problem: str, details=()):
        super().__init__(problem)
        self.seq, self.problem, self.details = seq, problem, list(details)


class RecordedFailure(Exception):
    """The record has no answer for this call before the event being replayed: the call failed then."""


class RecordedServices(OperatorEnvironment):
    """Service tasks answered from the record, in order; asking for another operator is a divergence.

    An answer is recorded while the engine runs, before the event of the step that ran it: replaying an
    event hands out only the answers recorded before it (`before_seq`), and a call past them failed."""

    def __init__(self, calendar, answers: deque):
        super().__init__(calendar, operators={}, instance=None, actor=None)
        self.answers = answers
        self.before_seq: int | None = None

    def call_service(self, context, operation_name=None, operation_params=None, task_data=None):
        if self.before_seq is not None and (not self.answers or self.answers[0][0] > self.before_seq):
            raise RecordedFailure(operation_name)
        if not self.answers:
            raise Divergence(None, _("Bước dịch vụ %(name)s không có kết quả đã ghi.", name=operation_name))
        seq, operator, result = self.answers.popleft()
        if operator != operation_name:
            raise Divergence(seq, _("Nhật ký ghi bước dịch vụ %(recorded)s nhưng quy trình gọi %(called)s.",
                                    recorded=operator, called=operation_name))
        return json.dumps(result)


@cache
def _recorded_timer(base: type) -> type:
    """`base` whose timers fire only when the record says so (see _fire_recorded_timers), never on the clock:
    replay runs later than the original, when every absolute deadline has passed."""

    def has_fired(self, my_task):
        return my_task._get_internal_data("event_fired", False)

    return type(f"Recorded{base.__name__}", (base,), {"has_fired": has_fired})


def specs_with_timers_on_demand(spec_json: str):
    """Fresh spec objects (the cached ones serve live instances) whose timers fire only when told to:
    replay fires the recorded ones, a designer's test run the ones the designer asks for."""
    spec, subprocess_specs = specs_from_json(spec_json)
    for process in (spec, *subprocess_specs.values()):
        for task_spec in process.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition):
                definition.__class__ = _recorded_timer(type(definition))
    return spec, subprocess_specs


def replay(instance: ProcessInstance, observe=None) -> ReplayResult:
    """`observe(event, workflow)`, when given, sees the replayed workflow right after each input event
    (the step-through view is built from it)."""
    observe = observe or (lambda event, workflow: None)
    events = [e for e in instance_events(instance.id)]
    answers = deque((e.seq, e.data.get("operator"), e.data.get("result")) for e in events
                    if e.event_type == "service_task_completed")
    inputs = [e for e in events if e.event_type in REPLAYED_EVENTS]
    if not inputs or inputs[0].event_type != "instance_started":
        return ReplayResult(False, 0, None, _("Không có sự kiện khởi tạo hồ sơ trong nhật ký."))
    try:
        version = _starting_version(instance, inputs)
        workflow = _start(version, inputs[0], answers, failing=_fails_next(inputs, 0))
        observe(inputs[0], workflow)
        for index, event in enumerate(inputs[1:], start=1):
            workflow.script_engine.environment.before_seq = event.seq
            failing = _fails_next(inputs, index)
            if event.event_type == "instance_migrated":
                workflow, version = _migrate(workflow, version, event)
            elif event.event_type == "task_completed":
                _complete(workflow, event, failing)
            elif event.event_type == "timer_fired":
                _fire_recorded_timers(workflow, event, failing)
            elif event.event_type == "case_values_changed":
                set_case_values(workflow, event.data.get("values") or {})
            elif event.event_type in FAILURE_EVENTS:
                _check_failed(workflow, event)
            elif event.event_type in REPAIR_EVENTS:
                _repair(workflow, event, failing)
            else:
                _run(event.seq, workflow.cancel)
            observe(event, workflow)
        if version.id != instance.process_version_id:
            raise Divergence(None, _("Hồ sơ đang gắn phiên bản quy trình khác phiên bản nhật ký ghi sau lần chuyển "
                                     "phiên bản cuối."))
        compacted_seq = _compare_final_state(instance, workflow, events)
    except Divergence as divergence:
        return ReplayResult(False, len(inputs), divergence.seq, divergence.problem, divergence.details)
    if answers:
        return ReplayResult(False, len(inputs), answers[0][0],
                            _("Nhật ký có kết quả dịch vụ mà quy trình không gọi tới."))
    return ReplayResult(True, len(inputs), compacted_seq=compacted_seq)


def _starting_version(instance: ProcessInstance, inputs: list) -> ProcessVersion:
    """The version the case started on: its own, or the one its first migration moved it from."""
    moves = [e for e in inputs if e.event_type == "instance_migrated"]
    if not moves:
        return instance.version
    version = _recorded_version(instance.process_id, moves[0], "from")
    if inputs[0].data.get("content_sha256") not in (None, version.content_sha256):
        raise Divergence(inputs[0].seq, _("Hồ sơ ghi phiên bản khởi tạo khác phiên bản mà lần chuyển đầu tiên ghi."))
    return version


def _recorded_version(process_id: str, event, end: str) -> ProcessVersion:
    version = db.session.scalars(select(ProcessVersion).where(
        ProcessVersion.process_id == process_id, ProcessVersion.number == event.data.get(f"{end}_version"))).first()
    if version is None or version.content_sha256 != event.data.get(f"{end}_sha256"):
        raise Divergence(event.seq, _("Không còn phiên bản quy trình mà lần chuyển phiên bản đã ghi."))
    return version


def _migrate(workflow, version: ProcessVersion, event):
    """Apply the recorded move to the replayed state: it must start and end where the record says."""
    if event.data.get("from_sha256") != version.content_sha256:
        raise Divergence(event.seq, _("Lần chuyển phiên bản ghi phiên bản gốc khác phiên bản hồ sơ đang chạy khi phát "
                                      "lại."))
    if state_digest(workflow) != event.data.get("state_before_sha256"):
        raise Divergence(event.seq, _("Trạng thái hồ sơ trước khi chuyển phiên bản khác trạng thái đã ghi."))
    new = _recorded_version(version.process_id, event, "to")
    old_spec = workflow.spec  # the replayed workflow runs on the old version's (on-demand) spec
    new_spec, new_subprocess_specs = specs_with_timers_on_demand(new.spec_json)
    mapping = event.data.get("mapping") if isinstance(event.data.get("mapping"), dict) else {}
    try:
        plan = compute_plan(old_spec, new_spec, mapping)
        moved, _ids = apply_plan(workflow, plan, new_spec, new_subprocess_specs, workflow.script_engine,
                                 fresh_ids=False)
    except MigrationRefused as refused:
        raise Divergence(event.seq, _("Không áp dụng lại được lần chuyển phiên bản: %(reason)s",
                                      reason=refused.reason)) from None
    if state_digest(moved) != event.data.get("state_after_sha256"):
        raise Divergence(event.seq, _("Trạng thái hồ sơ sau khi chuyển phiên bản khác trạng thái đã ghi."))
    return moved, new


def _fails_next(inputs: list, index: int) -> bool:
    """Whether the record says the steps run for inputs[index] failed (an incident event follows it)."""
    return index + 1 < len(inputs) and inputs[index + 1].event_type in FAILURE_EVENTS


def _check_failed(workflow, event) -> None:
    spec = event.data.get("task_spec")
    failed = {t.task_spec.name for t in workflow.get_tasks(state=TaskState.ERROR)}
    if spec and spec not in failed:
        raise Divergence(event.seq, _("Nhật ký ghi sự cố ở bước %(step)s nhưng khi phát lại bước đó không lỗi.",
                                      step=spec))


def _repair(workflow, event, failing: bool) -> None:
    """Run the failed step again as the operator did: as it was, with the data they edited, or skipped."""
    spec = event.data.get("task_spec")
    failed = [t for t in workflow.get_tasks(state=TaskState.ERROR) if not spec or t.task_spec.name == spec]
    if not failed and event.event_type != "incident_retried":
        raise Divergence(event.seq, _("Nhật ký ghi xử lý sự cố ở bước %(step)s nhưng khi phát lại bước đó không lỗi.",
                                      step=spec))
    for task in failed:
        if event.event_type == "incident_data_edited":
            edited = event.data.get("data") or {}
            for key in event.data.get("changed") or []:
                if key in edited:
                    task.data[key] = edited[key]
                else:
                    task.data.pop(key, None)
        if event.event_type == "incident_skipped":
            task.complete()
        else:
            task._set_state(TaskState.READY)
    _run(event.seq, lambda: (workflow.refresh_timers(), workflow.do_engine_steps()), failing)


def _start(version: ProcessVersion, started, answers: deque, *, failing: bool = False):
    if started.data.get("content_sha256") not in (None, version.content_sha256):
        raise Divergence(started.seq, _("Hồ sơ ghi phiên bản quy trình khác phiên bản đang gắn với hồ sơ."))
    spec, subprocess_specs = specs_with_timers_on_demand(version.spec_json)
    engine = RestrictedScriptEngine(work_calendar(), environment=RecordedServices(work_calendar(), answers))
    engine.environment.before_seq = started.seq
    workflow = new_workflow(spec, subprocess_specs, engine, started.data.get("data") or {})
    _run(started.seq, workflow.do_engine_steps, failing)
    return workflow


def _run(seq: int, step, failing: bool = False) -> None:
    """Run engine steps; where the record says they failed (`failing`), a failure is what replay expects
    (the failed step is then checked against the incident's)."""
    try:
        step()
    except Divergence as divergence:
        raise Divergence(divergence.seq or seq, divergence.problem) from None
    except SpiffWorkflowException as error:
        cause = error.__cause__
        if failing and not isinstance(cause, Divergence):
            return
        if isinstance(cause, RecordedFailure):
            raise Divergence(seq, _("Bước dịch vụ %(name)s không có kết quả đã ghi.", name=str(cause))) from None
        if isinstance(cause, Divergence):
            raise Divergence(cause.seq or seq, cause.problem) from None
        raise Divergence(seq, _("Quy trình báo lỗi khi phát lại: %(error)s", error=str(error).splitlines()[0])) from None


def _complete(workflow, event, failing: bool = False) -> None:
    spec_name = event.data.get("task_spec")
    candidates = [t for t in ready_tasks(workflow) if t.task_spec.name == spec_name]
    if not candidates:
        ready = ", ".join(sorted(t.task_spec.name for t in ready_tasks(workflow))) or "không có"
        raise Divergence(event.seq, _("Nhật ký ghi hoàn thành bước %(step)s nhưng khi phát lại bước đó không sẵn sàng "
                                      "(đang sẵn sàng: %(ready)s).", step=spec_name, ready=ready))
    task = candidates[0]
    if len(candidates) > 1:  # parallel copies (a unit each): the one whose lane owners name the actor
        task = next((t for t in candidates if _names_actor(t, event)), task)
    if (task.task_spec.lane or None) != (event.data.get("lane") or None):
        raise Divergence(event.seq, _("Bước %(step)s thuộc làn %(lane)s, nhật ký ghi làn %(recorded)s.",
                                      step=spec_name, lane=task.task_spec.lane, recorded=event.data.get("lane")))
    owners = (task.data.get("lane_owners") or {}).get(task.task_spec.lane) if isinstance(
        task.data.get("lane_owners"), dict) else None
    hands = {u.username for u in (event.actor, event.on_behalf_of) if u is not None}
    if owners and not hands & {str(o) for o in owners}:
        raise Divergence(event.seq, _("Người thực hiện %(actor)s không thuộc những người được giao bước %(step)s.",
                                      actor=", ".join(sorted(hands)) or "?", step=spec_name))
    task.data.update(event.data.get("data") or {})
    _run(event.seq, lambda: (task.run(), workflow.do_engine_steps()), failing)
    recorded = event.data.get("task_data_sha256")
    if recorded is None:  # every completion records it (since replay exists): someone removed it
        raise Divergence(event.seq, _("Nhật ký không còn mã băm dữ liệu của bước %(step)s (mọi lần hoàn thành đều ghi "
                                      "mã băm này): sự kiện đã bị sửa.", step=spec_name),
                         _data_lines(event.data.get("data") or {}))
    if task_data_digest(task.data) != recorded:
        raise Divergence(event.seq, _("Dữ liệu của bước %(step)s sau khi phát lại khác dữ liệu đã ghi.",
                                      step=spec_name), _data_lines(event.data.get("data") or {}))


def _names_actor(task, event) -> bool:
    owners = (task.data.get("lane_owners") or {}).get(task.task_spec.lane) if isinstance(
        task.data.get("lane_owners"), dict) else None
    return bool(owners) and event.actor is not None and event.actor.username in owners


def waiting_timers(workflow, names=None) -> list:
    return [t for t in workflow.get_tasks(state=TaskState.WAITING)
            if isinstance(getattr(t.task_spec, "event_definition", None), TimerEventDefinition)
            and (names is None or t.task_spec.name in names)]


def fire_timers_now(workflow, timers) -> None:
    """Fire these waiting timers (specs from specs_with_timers_on_demand) and run on."""
    for task in timers:
        task._set_internal_data(event_fired=True)
    workflow.refresh_timers()
    workflow.do_engine_steps()


def _fire_recorded_timers(workflow, event, failing: bool = False) -> None:
    wanted = set(event.data.get("timers") or [])
    waiting = waiting_timers(workflow, wanted)
    if not waiting:
        raise Divergence(event.seq, _("Nhật ký ghi hẹn giờ %(timers)s đã chạy nhưng khi phát lại không có hẹn giờ đó "
                                      "đang chờ.", timers=", ".join(sorted(wanted))))
    _run(event.seq, lambda: fire_timers_now(workflow, waiting), failing)


def _compare_final_state(instance: ProcessInstance, workflow, events) -> int | None:
    """The stored state against the replayed one: the ready tasks, whether it ended, and then every task's
    step, state and data and the case's own data, so a completed or cancelled case is compared too. A
    compacted case's summary stands for its state; returns the compaction's event number then."""
    compacted_seq = None
    if instance.history_compacted_at is not None:
        try:
            compacted_seq, kept = compacted_final_state(instance, events)
        except SummaryMismatch as mismatch:
            raise Divergence(mismatch.seq, mismatch.problem) from None
    else:
        kept = final_state(load_workflow(instance, None))
    replayed = final_state(workflow)
    if replayed["ready"] != kept["ready"]:
        raise Divergence(None, _("Trạng thái đang lưu của hồ sơ khác kết quả phát lại: đang lưu %(kept)s, phát lại "
                                 "%(replayed)s.", kept=", ".join(n for n, _d in kept["ready"]) or "không còn bước nào",
                                 replayed=", ".join(n for n, _d in replayed["ready"]) or "không còn bước nào"))
    if kept["completed"] != replayed["completed"]:
        raise Divergence(None, _("Trạng thái kết thúc của hồ sơ khác kết quả phát lại."))
    replayed_tasks, kept_tasks = _every_task(replayed), _every_task(kept)
    differing = sorted({name for name, _state, _digest in (kept_tasks - replayed_tasks) + (replayed_tasks - kept_tasks)})
    if differing:
        raise Divergence(None, _("Trạng thái đang lưu của hồ sơ khác kết quả phát lại ở bước %(steps)s (bước, trạng "
                                 "thái hoặc dữ liệu).", steps=", ".join(differing)))
    if kept["data_sha256"] != replayed["data_sha256"]:
        raise Divergence(None, _("Trạng thái đang lưu của hồ sơ khác kết quả phát lại: dữ liệu chung của hồ sơ khác."))
    return compacted_seq


def _every_task(state: dict) -> Counter:
    return Counter(tuple(task) for task in state["tasks"])


def _data_lines(data: dict) -> list[str]:
    return [f"{key}: {value}" for key, value in sorted(data.items())]
