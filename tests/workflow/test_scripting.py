"""The restricted script engine driving real BPMN through SpiffWorkflow: helpers, data flow, and the sandbox."""
import sys
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.workflow.scripting import (
    VN_TZ,
    format_date,
    iso_duration_until,
    make_script_engine,
    parse_date,
)
from app.workflow.workdays import WorkCalendar

HOLIDAYS = [date(2024, 9, 2), date(2024, 9, 3)]

DEADLINE_SCRIPT = """han_xu_ly = add_working_days(ngay_den, so_ngay)
han_hien_thi = format_date(han_xu_ly)
con_lai = working_days_between(ngay_den, han_xu_ly)
approved = decision == "accept"
"""

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="test">
  <bpmn:process id="xu_ly" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="tinh_han" name="Tính hạn">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:exclusiveGateway id="quyet_dinh"><bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f_yes</bpmn:outgoing><bpmn:outgoing>f_no</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="dong_y"><bpmn:incoming>f_yes</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="tu_choi"><bpmn:incoming>f_no</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="tinh_han"/>
    <bpmn:sequenceFlow id="f2" sourceRef="tinh_han" targetRef="quyet_dinh"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="quyet_dinh" targetRef="dong_y">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="quyet_dinh" targetRef="tu_choi">
      <bpmn:conditionExpression>not approved</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>
"""

# 3.2.0's ScriptTaskParser ignores spiffworkflow:preScript/postScript, so they are tested on a manual task.
PRE_POST_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="test">
  <bpmn:process id="duyet" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:manualTask id="xem_xet"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:extensionElements>
        <spiffworkflow:preScript>han_goi_y = format_date(add_working_days(ngay_den, 1))</spiffworkflow:preScript>
        <spiffworkflow:postScript>approved = decision == "accept"</spiffworkflow:postScript>
      </bpmn:extensionElements></bpmn:manualTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="xem_xet"/>
    <bpmn:sequenceFlow id="f2" sourceRef="xem_xet" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="test">
  <bpmn:process id="cho_han" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="dat_han"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>het_han = (now() + timedelta(hours=1)).isoformat()</bpmn:script></bpmn:scriptTask>
    <bpmn:intermediateCatchEvent id="doi"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>iso_duration_until(het_han)</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="dat_han"/>
    <bpmn:sequenceFlow id="f2" sourceRef="dat_han" targetRef="doi"/>
    <bpmn:sequenceFlow id="f3" sourceRef="doi" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

HELPER_NAMES = {"add_working_days", "working_days_between", "today", "now", "date", "timedelta",
                "parse_date", "format_date", "iso_duration_until", "__builtins__", "_getattr_", "_write_"}


@pytest.fixture
def engine():
    return make_script_engine(WorkCalendar(HOLIDAYS))


def start(xml: str, process_id: str, engine, data: dict) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename="test.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(process_id), script_engine=engine)
    workflow.task_tree.data.update(data)
    return workflow


def run(engine, data, script=DEADLINE_SCRIPT, condition="approved"):
    workflow = start(PROCESS.format(script=escape(script), condition=escape(condition)), "xu_ly", engine, data)
    workflow.do_engine_steps()
    return workflow


def reached_end(workflow) -> tuple[str, dict]:
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id in ("dong_y", "tu_choi")]
    assert len(ends) == 1
    return ends[0].task_spec.bpmn_id, ends[0].data


DATA = {"ngay_den": "2024-08-30", "so_ngay": 3, "decision": "accept"}


def test_script_and_gateway_route_to_accept(engine):
    workflow = run(engine, DATA)
    assert workflow.is_completed()
    end, data = reached_end(workflow)
    assert end == "dong_y"
    # Fri 30/8 + 3 working days, skipping the weekend and Quốc khánh (2–3/9): Fri 6/9.
    assert data["han_xu_ly"] == "2024-09-06"  # dates are stored as ISO text, as they will be after a save
    assert data["han_hien_thi"] == "06/09/2024"
    assert data["con_lai"] == 3
    assert data["approved"] is True


def test_gateway_routes_to_reject(engine):
    end, data = reached_end(run(engine, {**DATA, "decision": "reject"}))
    assert end == "tu_choi"
    assert data["approved"] is False


def test_condition_can_use_helpers_and_data(engine):
    condition = 'approved and parse_date(han_xu_ly) > date(2024, 9, 5) and con_lai == len([1, 2, 3])'
    assert reached_end(run(engine, DATA, condition=condition))[0] == "dong_y"


def test_helpers_and_guards_never_reach_task_data(engine):
    workflow = run(engine, DATA)
    for task in workflow.get_tasks():
        assert not HELPER_NAMES & set(task.data), task.task_spec.bpmn_id
        assert not any(callable(v) for v in task.data.values())


def test_ordinary_python_works(engine):
    script = """total = 0
for i, n in enumerate(so_lieu):
    total += n * i
bang = {}
bang["x"] = sorted(so_lieu, reverse=True)[:2]
a, (b, c) = 1, (2, 3)
def gap_doi(v):
    return v * 2
ket_qua = gap_doi(max(so_lieu)) + sum(x for x in range(3)) + round(abs(-1.6))
approved = all([isinstance(ket_qua, int), any(zip(so_lieu, so_lieu)), str(b) + str(c) == "23"])
han = today() - timedelta(days=1)
"""
    _, data = reached_end(run(engine, {**DATA, "so_lieu": [3, 1, 2]}, script=script))
    assert data["total"] == 1 * 1 + 2 * 2
    assert data["bang"] == {"x": [3, 2]}
    assert data["ket_qua"] == 6 + 3 + 2
    assert data["approved"] is True
    assert data["han"] == (datetime.now(VN_TZ).date() - timedelta(days=1)).isoformat()
    assert "gap_doi" not in data  # functions defined by a script are dropped, as the default environment does


FORBIDDEN_SCRIPTS = [
    ("import os\napproved = True", "import"),
    ("from os import path\napproved = True", "import"),
    ("approved = open('/etc/passwd').read()", "'open'"),
    ("approved = ().__class__.__bases__[0].__subclasses__()", "__class__"),
    ("approved = getattr(ngay_den, '__globals__')", "'getattr'"),
    ("approved = decision._secret", '"_secret"'),
    ("exec('approved = True')", "không được dùng 'exec'"),
    ("approved = eval('1')", "không được dùng 'eval'"),
    ("approved = compile('1', 'x', 'eval')", "'compile'"),
    ("approved = __import__('os')", "__import__"),
    ("approved = math.sqrt(4)", "name 'math' is not defined"),
    ("approved = '{0.__class__}'.format(1)", "format"),
    ("class A:\n    pass", "class"),
    ("try:\n    approved = 1\nexcept Exception:\n    pass", "try"),
]


@pytest.mark.parametrize("script,expected", FORBIDDEN_SCRIPTS)
def test_forbidden_in_script_task(engine, script, expected):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, DATA, script=script)
    assert expected in str(caught.value)
    assert caught.value.task.task_spec.bpmn_id == "tinh_han"


FORBIDDEN_CONDITIONS = [
    ("__import__('os')", "__import__"),
    ("open('/etc/passwd')", "'open'"),
    ("().__class__.__bases__[0].__subclasses__()", "__subclasses__"),
    ("approved.__class__", "__class__"),
    ("getattr(approved, '__globals__')", "'getattr'"),
    ("han_xu_ly._x", '"_x"'),
    ("exec('1')", "không được dùng 'exec'"),
    ("eval('1')", "không được dùng 'eval'"),
    ("approved = True", "sai cú pháp"),
]


@pytest.mark.parametrize("condition,expected", FORBIDDEN_CONDITIONS)
def test_forbidden_in_gateway_condition(engine, condition, expected):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, DATA, condition=condition)
    message = str(caught.value)
    assert expected in message
    assert message.startswith("Biểu thức")


def test_policy_message_is_clear(engine):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, DATA, script="import os")
    assert str(caught.value).startswith("Kịch bản không được phép: dòng 1: không được dùng import")


def test_runtime_error_names_line_and_cause(engine):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, DATA, script="x = 1\napproved = khong_co")
    assert "dòng 2" in str(caught.value) and "khong_co" in str(caught.value)
    assert caught.value.line_number == 2


def test_condition_runtime_error_names_expression(engine):
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, DATA, condition="khong_co > 1")
    assert "khong_co > 1" in str(caught.value) and "NameError" in str(caught.value)


def test_too_long_script_is_rejected(engine):
    with pytest.raises(WorkflowTaskException, match="quá dài"):
        run(engine, DATA, script="approved = True\n" * 400)


def test_endless_loop_is_stopped():
    engine = make_script_engine(WorkCalendar(), time_limit=0.2)
    tracer_before = sys.gettrace()
    with pytest.raises(WorkflowTaskException, match="quá 0.2 giây"):
        run(engine, DATA, script="n = 0\nwhile True:\n    n += 1")
    with pytest.raises(WorkflowTaskException, match="quá 0.2 giây"):
        run(engine, DATA, condition="len([1 for a in range(999) for b in range(999) for c in range(999)])")
    assert sys.gettrace() is tracer_before  # a debugger's or coverage's tracer is put back


def test_task_data_cannot_replace_guards_or_helpers(engine):
    # A form field named like a guard must not replace it in an expression...
    evil = {"decision": "a", "_getattr_": "x", "_getitem_": "y", "__builtins__": {"open": open}}
    assert engine.environment.evaluate("decision.upper()", evil) == "A"
    with pytest.raises(Exception, match="'open'"):
        engine.environment.evaluate("open", evil)
    # ...and data shadowing a helper or guard fails loudly before a script runs (the default environment's rule).
    for name in ("today", "_getattr_"):
        with pytest.raises(WorkflowTaskException, match=name):
            run(engine, {**DATA, name: "2024-01-01"})


def test_helper_argument_errors_are_clear(engine):
    with pytest.raises(WorkflowTaskException, match="Số ngày làm việc"):
        run(engine, DATA, script="approved = add_working_days(ngay_den, 100000)")
    with pytest.raises(WorkflowTaskException, match="Không đọc được ngày"):
        run(engine, DATA, script="approved = add_working_days('hôm qua', 1)")


def test_pre_and_post_scripts(engine):
    workflow = start(PRE_POST_PROCESS, "duyet", engine, {"ngay_den": "2024-08-30"})
    workflow.do_engine_steps()
    [task] = workflow.get_tasks(state=TaskState.READY)
    assert task.data["han_goi_y"] == "04/09/2024"  # the pre-script ran when the task became ready
    task.data.update({"decision": "accept"})
    task.run()
    workflow.do_engine_steps()
    assert workflow.is_completed()
    assert task.data["approved"] is True
    assert not HELPER_NAMES & set(task.data)


def test_timer_expression_uses_iso_duration(engine):
    workflow = start(TIMER_PROCESS, "cho_han", engine, {})
    workflow.do_engine_steps()
    [event] = workflow.waiting_events()
    due = datetime.fromisoformat(event.value)
    assert abs(due - (datetime.now(VN_TZ) + timedelta(hours=1))) < timedelta(seconds=5)
    assert not workflow.is_completed()


def test_service_calls_report_the_real_error(engine):
    workflow = run(engine, DATA)
    with pytest.raises(WorkflowTaskException, match="gui_lien_thong") as caught:
        engine.call_service(workflow.task_tree, operation_name="gui_lien_thong", operation_params={})
    assert isinstance(caught.value.__cause__, NotImplementedError)


def test_date_helpers():
    assert parse_date("2024-09-06") == date(2024, 9, 6)
    assert parse_date("06/09/2024") == date(2024, 9, 6)
    assert parse_date("2024-09-05T20:00:00+00:00") == date(2024, 9, 6)  # 03:00 on the 6th in Vietnam
    assert format_date(date(2024, 9, 6)) == format_date("2024-09-06") == "06/09/2024"
    assert iso_duration_until("2000-01-01T00:00:00+07:00") == "PT0S"
    later = datetime.now(VN_TZ) + timedelta(seconds=3600)
    assert iso_duration_until(later) in ("PT3600S", "PT3599S")
    assert iso_duration_until(later.replace(tzinfo=None).isoformat()) in ("PT3600S", "PT3599S")
