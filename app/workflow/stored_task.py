"""One task's data and earlier rounds read from an instance's stored state, without rebuilding the workflow.

Opening a task shows its data; restoring every task of the state (SpiffWorkflow's from_dict) to read one
task's dictionary costs more than the rest of the request. SpiffWorkflow 3.2 stores a task's data as a
delta over its parent's (BpmnTaskConverter.to_dict), so the task's data is its ancestors' deltas applied
from the root down, exactly as BpmnTaskConverter.from_dict applies them while restoring. States of an older
serializer, which need migrating, and compacted histories go through the engine (load_workflow).
"""
import json
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from .engine import SERIALIZER_VERSION, workflow_serializer
from .instance_state import load_workflow
from .task_rounds import earlier_round_ids


@dataclass(frozen=True)
class StoredTask:
    data: dict
    earlier_round_ids: list[str]  # completed earlier runs of the task's step on its own path, oldest first


def stored_task(instance, task_uuid: str, actor) -> StoredTask | None:
    """The task's data and earlier rounds as the engine would give them, or None if the state has no such task."""
    if instance.history_compacted_at is not None or instance.serializer_version != SERIALIZER_VERSION:
        return _from_engine(instance, task_uuid, actor)
    key = str(UUID(task_uuid))
    state = json.loads(instance.state_json)
    for tasks in (state["tasks"], *(sub["tasks"] for sub in state.get("subprocesses", {}).values())):
        if key in tasks:
            return StoredTask(_data(tasks, key), _earlier_rounds(tasks, key))
    return None


def _from_engine(instance, task_uuid: str, actor) -> StoredTask | None:
    task = load_workflow(instance, actor).get_task_from_id(UUID(task_uuid))  # raises for a compacted history
    return StoredTask(dict(task.data), earlier_round_ids(task)) if task is not None else None


def _data(tasks: dict, task_uuid: str) -> dict:
    # A task's parent lives in the same (sub)workflow's tasks; a subprocess's root has none there.
    chain, current = [], tasks[task_uuid]
    while True:
        chain.append(current)
        parent = current["parent"]
        if not current.get("delta") or parent is None or parent not in tasks:
            break
        current = tasks[parent]
    registry = workflow_serializer().registry
    data = registry.restore(chain[-1]["data"])
    for task in reversed(chain[:-1]):
        delta = task["delta"]
        data = DeepMerge.merge({}, data)
        data.update(registry.restore(delta.get("updates", {})))
        for key in delta.get("deletions", {}):
            if key in data:
                del data[key]
    return data


def _earlier_rounds(tasks: dict, task_uuid: str) -> list[str]:
    """task_rounds.earlier_round_ids over the stored tasks."""
    task = tasks[task_uuid]
    ids, parent = [], task["parent"]
    while parent in tasks:
        ancestor = tasks[parent]
        if ancestor["task_spec"] == task["task_spec"] and ancestor["state"] & TaskState.COMPLETED:
            ids.append(ancestor["id"])
        parent = ancestor["parent"]
    return ids[::-1]
