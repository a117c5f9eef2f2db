"""Designers' scripts cannot stall the server: operations that outgrow their operands are measured first."""
import time

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException

from app.workflow.scripting import ScriptPolicyError, compile_script, make_script_engine
from app.workflow.workdays import WorkCalendar

from .test_scripting import DATA, run


@pytest.fixture
def engine():
    return make_script_engine(WorkCalendar())


@pytest.mark.parametrize("script, expected", [
    ("x = 7 ** (3 * 7 ** 8)", "lũy thừa cho kết quả khoảng 48,551,527 bit"),
    ("x = 'a' * 10**9", "lặp chuỗi/danh sách 1,000,000,000 lần"),
    ("x = 1 << 10**9", "phép dịch bit"),
    ("x = pow(7, 10**9)", "lũy thừa"),
    ("x = range(10**9)", "range() có 1,000,000,000 số"),
    ("x = round(1, -10**8)", "round()"),
    ("x = '%01000000000d' % 1", "định dạng % có độ rộng 1,000,000,000"),
    ("x = 1\ny = [0] * (10 ** 8)", "dòng 2"),
])
def test_huge_constants_are_refused_when_the_script_is_compiled(script, expected):
    compile_script.cache_clear()
    started = time.monotonic()
    with pytest.raises(ScriptPolicyError) as caught:
        compile_script(script, "exec")
    assert str(caught.value).startswith("Kịch bản không được phép: dòng")
    assert "Phép tính bị từ chối vì quá lớn" in str(caught.value) and expected in str(caught.value)
    assert time.monotonic() - started < 2  # secondary: the refusal is what matters


def test_huge_constants_in_a_condition_are_refused_too():
    with pytest.raises(ScriptPolicyError, match="^Biểu thức không được phép: dòng 1: .*lũy thừa"):
        compile_script("approved and 7 ** (3 * 7 ** 8) > 1", "eval")


# The same operations on values that are only known when the script runs (task data).
RUNTIME_ATTACKS = [
    ("x = n ** (3 * n ** 8)", {"n": 7}, "lũy thừa"),
    ("x = 'a' * n", {"n": 10**9}, "lặp chuỗi/danh sách"),
    ("x = [s] * 2", {"s": "a" * 1_000_000}, "lặp chuỗi/danh sách"),
    ("x = s\nx += s", {"s": "a" * 1_000_000}, "nối chuỗi/danh sách"),
    ("x = s + s", {"s": "a" * 1_000_000}, "nối chuỗi/danh sách"),
    ("x = f'{s}{s}'", {"s": "a" * 1_000_000}, "nối chuỗi/danh sách"),
    ("x = f'{n:>{n}}'", {"n": 5}, "định dạng trong f-string phải là hằng"),
    ("x = '%0*d' % (n, 1)", {"n": 10**9}, "lấy độ rộng từ tham số"),
    ("x = s.ljust(n)", {"s": "a", "n": 10**9}, "ljust() với độ rộng"),
    ("x = s.replace('a', s)", {"s": "a" * 2_000}, "replace()"),
    ("x = '-'.join([s for i in range(999)])", {"s": "a" * 10_000}, "join()"),
    ("x = [1]\nfor i in range(30):\n    x.extend(x)", {}, "nối chuỗi/danh sách"),
    ("x = (1).to_bytes(n, 'big')", {"n": 10**9}, "to_bytes()"),
    ("x = sum(lists, [])", {"lists": [[1]] * 1000}, "sum() chỉ cộng các số"),
    ("x = round(1, n)", {"n": -10**8}, "round()"),
    ("x = str([s for i in range(999)])", {"s": "a" * 10_000}, "đổi thành chuỗi quá lớn"),
    ("x = repr(l + l)", {"l": ["a" * 1000] * 999}, "đổi thành chuỗi quá lớn"),
    ("print([s] * 1)\nprint([s] * 1)\nx = printed", {"s": "a" * 1_000_001}, "print()"),
    ("x = {}\nfor i in range(999):\n    x[i] = s", {"s": "a" * 10_000}, "dữ liệu công việc sau kịch bản quá lớn"),
]


@pytest.mark.parametrize("script, data, expected", RUNTIME_ATTACKS)
def test_growing_operations_on_task_data_are_refused_before_they_run(engine, script, data, expected):
    started = time.monotonic()
    with pytest.raises(WorkflowTaskException) as caught:
        run(engine, {**DATA, **data}, script=script + "\napproved = True")
    message = str(caught.value)
    assert expected in message, message
    assert "Error" not in message  # a reason in Vietnamese, not a Python exception's name
    assert caught.value.task.task_spec.bpmn_id == "tinh_han"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("script", ["x = str.format('{0.__class__.__mro__}', 1)", "x = str.format_map('{a}', {})"])
def test_str_standing_in_for_the_builtin_keeps_format_closed(engine, script):
    with pytest.raises(WorkflowTaskException, match="Không được dùng str.format"):
        run(engine, DATA, script=script)


@pytest.mark.parametrize("script", ["x = " + "-" * 4900 + "1", "x = " + "+".join(["1"] * 2400)])
def test_deeply_nested_expressions_are_refused_with_a_reason(script):
    with pytest.raises(ScriptPolicyError, match="^Kịch bản lồng nhau quá sâu"):
        compile_script(script, "exec")


def test_starred_displays_are_refused():
    with pytest.raises(ScriptPolicyError, match=r"không dùng \*x trong danh sách"):
        compile_script("x = [*a, *a]", "exec")


def test_ordinary_arithmetic_and_text_still_work(engine):
    script = """shared = items
items += [4]
label = f"{so:05d}/{nam}-{ten!r:>8}" + " %s %.2f" % ("VB", 2.5) + "; ".join(str(i) for i in items)
big = 2 ** 64 * 3 + (1 << 20) - pow(3, 4, 5) + round(12345, -2) + sum(range(10))
pad = "x".ljust(5, ".") + "7".zfill(3) + "a-b".replace("-", "--") + str(b"ok", "ascii")
kinds = [isinstance(label, str), str.upper("a"), repr([1]), ["a"] * 3 + list("bc")]
approved = shared is items
"""
    _, data = run_to_end(engine, {**DATA, "items": [1, 2, 3], "so": 42, "nam": 2024, "ten": "An"}, script)
    assert data["items"] == [1, 2, 3, 4] and data["approved"] is True  # += stays in place, as in Python
    assert data["label"] == "00042/2024-    'An' VB 2.501; 2; 3; 4"
    assert data["big"] == 2 ** 64 * 3 + (1 << 20) - 1 + 12300 + 45
    assert data["pad"] == "x....007a--bok"
    assert data["kinds"] == [True, "A", "[1]", ["a", "a", "a", "b", "c"]]


def run_to_end(engine, data, script):
    workflow = run(engine, data, script=script)
    assert workflow.is_completed()
    [end] = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id in ("dong_y", "tu_choi") and t.data]
    return end.task_spec.bpmn_id, end.data


def test_other_threads_keep_running_while_a_huge_power_is_refused(engine, other_thread):
    # Unguarded, n ** (n ** 8) is one C operation of several seconds holding the GIL: the other
    # thread would not tick at all until it ends.
    with other_thread() as gaps, pytest.raises(WorkflowTaskException, match="lũy thừa"):
        run(engine, {**DATA, "n": 7}, script="x = n ** (n ** 8)\napproved = True")
    assert gaps and max(gaps) < 1.0
