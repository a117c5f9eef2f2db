"""Step through an instance's history: the diagram's marks and the task data right after each recorded event.

Nothing of this is stored: replay rebuilds the states from the record, so what the auditor steps
through is what the record proves, and a record that stops matching shows where the walk ends.
"""
import json
from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState

from .models import ProcessInstance
from .replay import ReplayResult, replay

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass
class Snapshot:
    seq: int
    completed: list[str]
    active: list[str]
    cancelled: list[str]
    data: dict
    changed: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"seq": self.seq, "completed": self.completed, "active": self.active, "cancelled": self.cancelled,
                "data": self.data, "changed": self.changed}


def step_through(instance: ProcessInstance) -> tuple[list[Snapshot], ReplayResult]:
    snapshots: list[Snapshot] = []

    def observe(event, workflow) -> None:
        snapshot = _snapshot(event.seq, workflow)
        if snapshots:
            snapshot.changed = changed_keys(snapshots[-1].data, snapshot.data)
        snapshots.append(snapshot)

    return snapshots, replay(instance, observe=observe)


def changed_keys(before: dict, after: dict) -> list[str]:
    """The data keys whose values differ (added, removed or changed), for the "just changed" marks."""
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def _snapshot(seq: int, workflow) -> Snapshot:
    completed, active, cancelled, data = element_marks(workflow)
    return Snapshot(seq, completed, active, cancelled, data)


def element_marks(workflow) -> tuple[list[str], list[str], list[str], dict]:
    """The diagram's elements done, waiting and cancelled, and the data of the step done last."""
    states: dict[str, set[str]] = {"completed": set(), "active": set(), "cancelled": set()}
    latest = None
    for task in workflow.get_tasks():
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is None:  # the engine's own specs (root, end joins) are not drawn
            continue
        if task.state & ACTIVE:
            states["active"].add(element)
        elif task.state == TaskState.COMPLETED:
            states["completed"].add(element)
            if latest is None or task.last_state_change >= latest.last_state_change:
                latest = task
        elif task.state == TaskState.CANCELLED:
            states["cancelled"].add(element)
    # An element both done and waiting again (a loop, a rework) is shown by where it stands now.
    completed = states["completed"] - states["active"]
    cancelled = states["cancelled"] - states["active"] - completed
    data = latest.data if latest is not None else workflow.data
    return sorted(completed), sorted(states["active"]), sorted(cancelled), plain(data)


def plain(data: dict) -> dict:
    """The data as JSON shows it (dates and other values as their text)."""
    return json.loads(json.dumps(data, default=str, ensure_ascii=False))
