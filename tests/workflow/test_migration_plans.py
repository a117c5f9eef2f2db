"""Plans on small diagrams: what a plan refuses, and why (subprocesses, changed kinds, parallel branches)."""
from app.workflow.engine import new_workflow, parse_process
from app.workflow.migration import MigrationRefused, apply_plan, check_case, compute_plan

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="d" targetNamespace="t"><bpmn:process id="p" isExecutable="true">')
TAIL = "</bpmn:process></bpmn:definitions>"


def _spec(body: str):
    parsed = parse_process((HEAD + body + TAIL).encode(), "p", "p.bpmn")
    return parsed.spec, parsed.subprocess_specs


def _flows(*pairs) -> str:
    return "".join(f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}"/>' for n, (a, b) in enumerate(pairs))


PARALLEL = ('<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>'
            '<bpmn:userTask id="a" name="Việc A"/><bpmn:userTask id="b" name="Việc B"/>{extra}'
            '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>')


def _parallel(with_c: bool):
    extra = '<bpmn:userTask id="c" name="Việc C"/>' if with_c else ""
    pairs = [("start", "split"), ("split", "a"), ("split", "b"), ("a", "join"), ("b", "join"), ("join", "end")]
    if with_c:
        pairs += [("split", "c"), ("c", "join")]
    return _spec(PARALLEL.format(extra=extra) + _flows(*pairs))


def test_a_waiting_subprocess_is_refused_with_its_reason():
    inner = ('<bpmn:subProcess id="sub" name="Tiến trình con"><bpmn:startEvent id="s2"/>'
             '<bpmn:userTask id="inner" name="Việc trong"/><bpmn:endEvent id="e2"/>'
             + _flows(("s2", "inner"), ("inner", "e2")).replace('id="f', 'id="g') + "</bpmn:subProcess>")
    body = '<bpmn:startEvent id="start"/>' + inner + '<bpmn:endEvent id="end"/>' + _flows(("start", "sub"), ("sub", "end"))
    old, _subs = _spec(body)
    plan = compute_plan(old, old, {})
    assert "tiến trình con" in plan.step("sub").refusal


def test_a_step_that_changes_kind_is_refused():
    old, _ = _spec('<bpmn:startEvent id="start"/><bpmn:userTask id="check" name="Kiểm tra"/><bpmn:endEvent id="end"/>'
                   + _flows(("start", "check"), ("check", "end")))
    new, _ = _spec('<bpmn:startEvent id="start"/><bpmn:manualTask id="check" name="Kiểm tra"/><bpmn:endEvent id="end"/>'
                   + _flows(("start", "check"), ("check", "end")))
    assert "đổi loại" in compute_plan(old, new, {}).step("check").refusal


def test_parallel_branches_move_only_when_their_join_is_unchanged():
    old, old_subs = _parallel(with_c=False)
    new, new_subs = _parallel(with_c=True)
    plan = compute_plan(old, new, {})
    assert plan.changed_joins == ["join"] and plan.refused == []
    workflow = new_workflow(old, old_subs, None, {})
    workflow.do_engine_steps()
    try:
        check_case(workflow, plan)
        raise AssertionError("a case on two branches was not refused")
    except MigrationRefused as refused:
        assert "song song" in refused.reason
    same, same_subs = _parallel(with_c=False)
    moved, ids = apply_plan(workflow, compute_plan(old, same, {}), same, same_subs, None)
    assert sorted(t.task_spec.name for t in moved.get_tasks(manual=True, state=16)) == ["a", "b"]
    for task in moved.get_tasks(manual=True, state=16):
        task.run()
        moved.do_engine_steps()
    assert moved.is_completed() and len(ids) == 2


def test_a_mapping_to_one_step_from_two_is_refused():
    old, _ = _parallel(with_c=False)
    new, _ = _parallel(with_c=True)
    plan = compute_plan(old, new, {"a": "c", "b": "c"})
    assert "cùng được chuyển tới bước c" in plan.step("b").refusal
