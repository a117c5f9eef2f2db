"""SpiffWorkflow's engine loop with a cheaper search for ready tasks; same tasks, same order, same runs.

`BpmnWorkflow.do_engine_steps` lists the READY tasks with `get_tasks(state=READY)` once per pass, and a
step takes about eight passes, plus four more listings by the inbox and timer index. Each listing walks
the whole history of the case through the library's general iterator, which re-slices its task list for
every task and walks parent chains to keep its depth: most of a step's engine time outside our
operators. `ready_tasks` walks the same tree in the same order with a stack and counts the same depth
without the parent walks.

Copied from SpiffWorkflow 3.2.0 (bpmn/util/task.py BpmnTaskIterator._next, util/task.py TaskIterator,
bpmn/workflow.py BpmnWorkflow.do_engine_steps and _do_engine_steps): re-check both on an upgrade
(tests/workflow/test_engine_loop.py compares them with the library on the processes we ship).
"""
from SpiffWorkflow.util.task import TaskState

_READY = TaskState.READY
# get_tasks(state=READY) descends only below tasks at least FUTURE (TaskIterator.__init__'s min_state).
_MIN_STATE = TaskState.FUTURE
_MAX_DEPTH = 1000  # TaskIterator's default
# The iterator keeps a finished subprocess out of a search for unfinished tasks with this test; no single
# state reaches the mask, so it never does, and neither may we.
_SKIPS_FINISHED_SUBPROCESS = _READY <= TaskState.FINISHED_MASK


def ready_tasks(workflow) -> list:
    """`workflow.get_tasks(state=TaskState.READY)` of a BpmnWorkflow or BpmnSubWorkflow, in its order.

    Depth first, a subprocess's tree before the children of the task that runs it. The library's depth
    counter stops descending at 1000 and, after a task it does not descend below, climbs the parent
    chain to the next task's parent (or to the root of the task's own process, when the next task is in
    another one): counting each task's distance to its own process's root gives the same numbers.
    """
    subprocesses = workflow.top_workflow.subprocesses
    root = workflow.task_tree
    stack = [(root, 0)]  # (task, steps to the root of its own process), the next task last
    depth, found = 0, []
    while stack:
        task, level = stack.pop()
        subprocess = subprocesses.get(task.id) if subprocesses else None
        state = task._state
        if ((task._children or subprocess is not None) and (state >= _MIN_STATE or subprocess is not None)
                and depth < _MAX_DEPTH):
            tasks = task.workflow.tasks
            stack.extend((tasks.get(child), level + 1) for child in reversed(task._children))
            if subprocess is not None and not (state >= TaskState.FINISHED_MASK and _SKIPS_FINISHED_SUBPROCESS):
                stack.append((subprocess.task_tree, 0))
            depth += 1
        elif stack:
            following, following_level = stack[-1]
            # The library walks from this task's parent up to the next task's parent: the same process,
            # or, from inside a subprocess, up to its root and past it (None).
            depth -= level - following_level if following.workflow is task.workflow else level
        if state & _READY and task.last_state_change >= 0:  # BpmnTaskFilter(state=READY).matches
            found.append(task)
    return found


def do_engine_steps(workflow, did_complete_task=None) -> None:
    """`workflow.do_engine_steps(did_complete_task=...)`, listing ready tasks with `ready_tasks`."""
    # BpmnWorkflow.do_engine_steps of SpiffWorkflow 3.2.0 (will_complete_task left out: we pass none).
    while _engine_pass(workflow, did_complete_task):
        pass
    workflow.refresh_timers()


def _engine_pass(workflow, did_complete_task) -> bool:
    # BpmnWorkflow._do_engine_steps of SpiffWorkflow 3.2.0.
    active_subprocesses = workflow.get_active_subprocesses()
    for subprocess in sorted(active_subprocesses, key=lambda v: v.depth, reverse=True):
        while _run_ready(subprocess, did_complete_task) > 0:
            pass
        if subprocess.parent_task_id is not None:
            task = workflow.get_task_from_id(subprocess.parent_task_id)
            task.task_spec._update(task)
    count = _run_ready(workflow, did_complete_task)
    return count > 0 or len(workflow.get_active_subprocesses()) > len(active_subprocesses)


def _run_ready(workflow, did_complete_task) -> int:
    # update_workflow inside BpmnWorkflow._do_engine_steps of SpiffWorkflow 3.2.0.
    count = 0
    for task in ready_tasks(workflow):
        if not task.task_spec.manual:
            task.run()
            count += 1
            if did_complete_task is not None:
                did_complete_task(task)
    return count
