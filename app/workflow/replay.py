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

from .compaction import SummaryMismatch, compacted_final_state, final_state, ready_tasks
from .engine import new_workflow, specs_from_json
from .history import instance_events
from .instance_state import load_workflow
from .models import ProcessInstance
from .runtime import task_data_digest
from .scripting import RestrictedScriptEngine
from .scripting_runtime import OperatorEnvironment, work_calendar
from .timers import set_case_values

REPLAYED_EVENTS = ("instance_started", "task_completed", "timer_fired", "case_values_changed", "instance_cancelled")


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


class RecordedServices(OperatorEnvironment):
    """Service tasks answered from the record, in order; asking for another operator is a divergence."""

    def __init__(self, calendar, answers: deque):
        super().__init__(calendar, operators={}, instance=None, actor=None)
        self.answers = answers

    def call_service(self, context, operation_name=None, operation_params=None, task_data=None):
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
        workflow = _start(instance, inputs[0], answers)
        observe(inputs[0], workflow)
        for event in inputs[1:]:
            if event.event_type == "task_completed":
                _complete(workflow, event)
            elif event.event_type == "timer_fired":
                _fire_recorded_timers(workflow, event)
            elif event.event_type == "case_values_changed":
                set_case_values(workflow, event.data.get("values") or {})
            else:
                _run(event.seq, workflow.cancel)
            observe(event, workflow)
        compacted_seq = _compare_final_state(instance, workflow, events)
    except Divergence as divergence:
        return ReplayResult(False, len(inputs), divergence.seq, divergence.problem, divergence.details)
    if answers:
        return ReplayResult(False, len(inputs), answers[0][0],
                            _("Nhật ký có kết quả dịch vụ mà quy trình không gọi tới."))
    return ReplayResult(True, len(inputs), compacted_seq=compacted_seq)


def _start(instance: ProcessInstance, started, answers: deque):
    version = instance.version
    if started.data.get("content_sha256") not in (None, version.content_sha256):
        raise Divergence(started.seq, _("Hồ sơ ghi phiên bản quy trình khác phiên bản đang gắn với hồ sơ."))
    spec, subprocess_specs = specs_with_timers_on_demand(version.spec_json)
    engine = RestrictedScriptEngine(work_calendar(), environment=RecordedServices(work_calendar(), answers))
    workflow = new_workflow(spec, subprocess_specs, engine, started.data.get("data") or {})
    _run(started.seq, workflow.do_engine_steps)
    return workflow


def _run(seq: int, step) -> None:
    try:
        step()
    except Divergence as divergence:
        raise Divergence(divergence.seq or seq, divergence.problem) from None
    except SpiffWorkflowException as error:
        cause = error.__cause__
        if isinstance(cause, Divergence):
            raise Divergence(cause.seq or seq, cause.problem) from None
        raise Divergence(seq, _("Quy trình báo lỗi khi phát lại: %(error)s", error=str(error).splitlines()[0])) from None


def _complete(workflow, event) -> None:
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
    _run(event.seq, lambda: (task.run(), workflow.do_engine_steps()))
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


def _fire_recorded_timers(workflow, event) -> None:
    wanted = set(event.data.get("timers") or [])
    waiting = waiting_timers(workflow, wanted)
    if not waiting:
        raise Divergence(event.seq, _("Nhật ký ghi hẹn giờ %(timers)s đã chạy nhưng khi phát lại không có hẹn giờ đó "
                                      "đang chờ.", timers=", ".join(sorted(wanted))))
    _run(event.seq, lambda: fire_timers_now(workflow, waiting))


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
