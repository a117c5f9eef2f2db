"""The engine loop of app.workflow.engine_loop against SpiffWorkflow's own (3.2.0): same ready tasks, in the
same order, at every pass, with parallel branches, an embedded subprocess and a depth past the library's
limit of 1000."""
import pytest
from SpiffWorkflow.util.task import TaskState

from app.workflow import engine_loop
from app.workflow.engine import new_workflow, parse_process

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/'
         '20100524/MODEL" id="d" targetNamespace="http://bpmn.io/schema/bpmn">'
         '<bpmn:process id="p" isExecutable="true">')
_TAIL = "</bpmn:process></bpmn:definitions>"


def _flow(source: str, target: str, condition: str = "") -> str:
    body = f'<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>' if condition else ""
    return f'<bpmn:sequenceFlow id="f__{source}__{target}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'


def _script(name: str, text: str) -> str:
    return f'<bpmn:scriptTask id="{name}"><bpmn:script>{text}</bpmn:script></bpmn:scriptTask>'


# Parallel branches, one through an embedded subprocess (itself split in two), one through a person's task.
BRANCHES = _HEAD + "".join([
    '<bpmn:startEvent id="start"/>', _script("first", "n = 0"), '<bpmn:parallelGateway id="split"/>',
    '<bpmn:subProcess id="sub"><bpmn:startEvent id="sub_start"/><bpmn:parallelGateway id="sub_split"/>',
    _script("sub_a", "a = 1"), _script("sub_b", "b = 2"), '<bpmn:parallelGateway id="sub_join"/>',
    '<bpmn:endEvent id="sub_end"/>', _flow("sub_start", "sub_split"), _flow("sub_split", "sub_a"),
    _flow("sub_split", "sub_b"), _flow("sub_a", "sub_join"), _flow("sub_b", "sub_join"), _flow("sub_join", "sub_end"),
    '</bpmn:subProcess>', '<bpmn:userTask id="person"/>', _script("after_person", "c = 3"),
    '<bpmn:parallelGateway id="join"/>', _script("last", "n = n + 1"), '<bpmn:endEvent id="end"/>',
    _flow("start", "first"), _flow("first", "split"), _flow("split", "sub"), _flow("split", "person"),
    _flow("person", "after_person"), _flow("sub", "join"), _flow("after_person", "join"), _flow("join", "last"),
    _flow("last", "end"),
]) + _TAIL

# A loop of script tasks: each round adds three tasks below the last, so the tree grows past depth 1000,
# where the library stops looking (and so must we).
LOOP = _HEAD + "".join([
    '<bpmn:startEvent id="start"/>', _script("first", "n = 0"), '<bpmn:exclusiveGateway id="merge"/>',
    _script("count", "n = n + 1"), '<bpmn:exclusiveGateway id="again" default="f__again__end"/>',
    '<bpmn:endEvent id="end"/>', _flow("start", "first"), _flow("first", "merge"), _flow("merge", "count"),
    _flow("count", "again"), _flow("again", "merge", "n &lt; 500"), _flow("again", "end"),
]) + _TAIL


def _workflow(bpmn: str):
    parsed = parse_process(bpmn.encode(), "p", "p.bpmn")
    return new_workflow(parsed.spec, parsed.subprocess_specs, None, {})


def _tree(workflow) -> list:
    return [(task.task_spec.name, task.state, dict(task.data)) for task in workflow.get_tasks()]


@pytest.fixture
def compared(monkeypatch):
    """engine_loop with every listing of ready tasks checked against the library's."""
    listings = []

    def checked(workflow):
        ours = _ready_tasks(workflow)
        assert ours == workflow.get_tasks(state=TaskState.READY)
        listings.append(len(ours))
        return ours

    _ready_tasks = engine_loop.ready_tasks
    monkeypatch.setattr(engine_loop, "ready_tasks", checked)
    return listings


def test_branches_and_subprocess_run_as_the_library_runs_them(compared):
    ours, library = _workflow(BRANCHES), _workflow(BRANCHES)
    for workflow, step in ((ours, engine_loop.do_engine_steps), (library, lambda w: w.do_engine_steps())):
        step(workflow)
        assert [t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY)] == ["person"]
        workflow.get_next_task(state=TaskState.READY, spec_name="person").run()
        step(workflow)
    assert compared and ours.is_completed() and library.is_completed()
    assert [name for name, _state, _data in _tree(ours)] == [name for name, _state, _data in _tree(library)]
    assert ours.data == library.data and ours.data["n"] == 1


def test_a_tree_deeper_than_the_library_looks_stops_where_it_stops():
    ours, library = _workflow(LOOP), _workflow(LOOP)
    engine_loop.do_engine_steps(ours)
    library.do_engine_steps()
    deepest = max(task.depth for task in library.tasks.values())
    assert deepest > 1000  # where the library stops looking: it then counts the case as completed
    assert max(task.depth for task in ours.tasks.values()) == deepest and len(ours.tasks) == len(library.tasks)
    assert ours.is_completed() == library.is_completed()
    assert _tree(ours) == _tree(library)
    assert engine_loop.ready_tasks(ours) == ours.get_tasks(state=TaskState.READY)
