"""The restricted script engine: BPMN conditions, scripts and timer expressions run under RestrictedPython."""
import math
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from RestrictedPython import limited_builtins, safe_builtins, utility_builtins
from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .code_limits import (
    INPLACE,
    ScriptPolicyError,
    bounded_attribute,
    bounded_pow,
    bounded_range,
    bounded_repr,
    bounded_round,
    bounded_str,
    bounded_sum,
    check_size,
    format_value,
)
from .script_policy import MAX_SCRIPT_CHARS, OPERATOR_GUARDS, compile_script
from .workdays import WorkCalendar

__all__ = ["MAX_SCRIPT_CHARS", "VN_TZ", "RestrictedEnvironment", "RestrictedScriptEngine",
           "ScriptPolicyError", "ScriptTimeLimitError", "compile_script", "make_script_engine"]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_WORKING_DAYS = 3650
DEFAULT_TIME_LIMIT = 2.0


class ScriptTimeLimitError(ScriptPolicyError):
    """A script or expression ran longer than the engine's time limit."""


# RestrictedPython's filename for compiled scripts (SpiffWorkflow finds the failing line by it too).
SCRIPT_FILE = "<string>"


@contextmanager
def time_guard(seconds: float | None, *, max_steps: int | None = None, watched_file: str = SCRIPT_FILE):
    """Abort Python-level execution (loops, calls) once `seconds` have passed or `max_steps` steps ran."""
    if not seconds:
        yield
        return
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()
    steps = 0

    def tracer(frame, event, arg):
        nonlocal steps
        if frame.f_code.co_filename != watched_file:
            # The size guards and helpers the designer's code calls are ours and bounded: watching
            # them too made every guarded operator cost microseconds.
            return None
        if event in ("call", "line"):
            steps += 1
            if max_steps is not None and steps > max_steps:
                raise ScriptTimeLimitError(f"Chạy quá {max_steps:,} bước và đã bị dừng.")
            if time.monotonic() > deadline:
                raise ScriptTimeLimitError(f"Kịch bản chạy quá {seconds:g} giây và đã bị dừng.")
        return tracer

    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


def _write_guard(ob):
    if isinstance(ob, (dict, list, set)):
        return ob
    raise ScriptPolicyError(f"Không được ghi vào đối tượng kiểu {type(ob).__name__}.")


def _getattr(owner, name, default=None):
    # safer_getattr refuses underscores and str.format; the methods that can grow a text are measured.
    return bounded_attribute(owner, name, safer_getattr(owner, name, default))


class _SizedPrintCollector(PrintCollector):
    def _call_print(self, *objects, **kwargs):
        check_size(objects, "nội dung print()")
        return super()._call_print(*objects, **kwargs)


GUARDS = {
    "_getattr_": _getattr, "_getitem_": lambda ob, index: ob[index], "_getiter_": iter,
    "_write_": _write_guard, "_inplacevar_": lambda op, x, y: INPLACE[op](x, y),
    "_print_": _SizedPrintCollector, "_format_": format_value, **OPERATOR_GUARDS,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
    "_apply_": lambda func, *args, **kwargs: func(*args, **kwargs),
}

# Exit signals, class building and attribute writes have no use in a workflow script.
_DROPPED_BUILTINS = {"__build_class__", "setattr", "delattr", "_getattr_", "BaseException",
                     "KeyboardInterrupt", "SystemExit", "GeneratorExit"}
_MODULES = {"string", "math", "random", "whrandom", "DateTime"}


def _restricted_builtins() -> dict:
    builtins = {k: v for k, v in safe_builtins.items() if k not in _DROPPED_BUILTINS}
    builtins.update(limited_builtins)
    builtins.update({k: v for k, v in utility_builtins.items() if k not in _MODULES})
    builtins.update({
        "list": list, "tuple": tuple, "dict": dict, "min": min, "max": max, "sorted": sorted,
        "any": any, "all": all, "enumerate": enumerate, "zip": zip, "reversed": reversed,
        "floor": math.floor, "ceil": math.ceil,
        # The builtins whose result can outgrow their arguments, measured first (code_limits).
        "pow": bounded_pow, "range": bounded_range, "round": bounded_round, "sum": bounded_sum,
        "str": bounded_str, "repr": bounded_repr,
    })
    return builtins


def parse_date(text) -> date:
    """A date from 'YYYY-MM-DD' (or an ISO datetime, or 'dd/mm/yyyy')."""
    if isinstance(text, (date, datetime)):
        return _to_date(text)
    if not isinstance(text, str):
        raise TypeError(f"parse_date cần chuỗi ngày, nhận được {type(text).__name__}.")
    value = text.strip()
    for parse in (date.fromisoformat, lambda s: _to_date(datetime.fromisoformat(s)),
                  lambda s: datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    raise ValueError(f"Không đọc được ngày '{text}' (cần YYYY-MM-DD hoặc dd/mm/yyyy).")


def _to_date(value) -> date:
    if isinstance(value, datetime):
        return value.astimezone(VN_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_date(value)
    raise TypeError(f"Cần một ngày (date hoặc chuỗi 'YYYY-MM-DD'), nhận được {type(value).__name__}.")


def _to_datetime(value) -> datetime:
    if isinstance(value, str):
        text = value.strip()
        value = datetime.fromisoformat(text) if len(text) > 10 else parse_date(text)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=VN_TZ)
    raise TypeError(f"Cần thời điểm (datetime hoặc chuỗi ISO), nhận được {type(value).__name__}.")


def today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(VN_TZ).date()


def now() -> datetime:
    """The current time in Vietnam (timezone-aware)."""
    return datetime.now(VN_TZ)


def format_date(value) -> str:
    """A date as 'dd/mm/yyyy'."""
    return _to_date(value).strftime("%d/%m/%Y")


def iso_duration_until(moment) -> str:
    """An ISO 8601 duration ('PT3600S') from now until `moment` (a bare date means 00:00 Vietnam time)."""
    seconds = math.ceil((_to_datetime(moment) - datetime.now(VN_TZ)).total_seconds())
    return f"PT{max(seconds, 0)}S"


def iso_end_of_day(day) -> str:
    """The last second of `day` in Vietnam as an ISO datetime, e.g. for a timeDate deadline."""
    # Deadlines (hạn xử lý) run to the end of the day, as on the inbox row.
    day = _to_date(day)
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VN_TZ).isoformat()


def calendar_helpers(calendar: WorkCalendar) -> dict:
    """The functions scripts may call, bound to `calendar`."""

    def add_working_days(date_or_iso, n):
        if not isinstance(n, int) or isinstance(n, bool) or abs(n) > MAX_WORKING_DAYS:
            raise ValueError(f"Số ngày làm việc phải là số nguyên trong ±{MAX_WORKING_DAYS}, nhận được {n!r}.")
        return calendar.add_working_days(_to_date(date_or_iso), n)

    def working_days_between(a, b):
        return calendar.working_days_between(_to_date(a), _to_date(b))

    def is_working_day(d):
        return calendar.is_working_day(_to_date(d))

    return {
        "add_working_days": add_working_days, "working_days_between": working_days_between,
        "is_working_day": is_working_day, "today": today, "now": now, "date": date,
        "timedelta": timedelta, "parse_date": parse_date, "format_date": format_date,
        "iso_duration_until": iso_duration_until, "iso_end_of_day": iso_end_of_day,
    }


def _dates_to_iso(value):
    # Task data is JSON: the serializer restores datetimes but would turn dates into text only on save.
    if type(value) is date:
        return value.isoformat()
    if type(value) is dict:
        return {k: _dates_to_iso(v) for k, v in value.items()}
    if type(value) is list:
        return [_dates_to_iso(v) for v in value]
    return value


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment semantics (task data as globals, helpers never written back) under RestrictedPython."""

    def __init__(self, calendar: WorkCalendar, *, time_limit: float | None = DEFAULT_TIME_LIMIT):
        self.builtins = _restricted_builtins()
        super().__init__({**calendar_helpers(calendar), **GUARDS, "__builtins__": self.builtins})
        self.time_limit = time_limit

    def evaluate(self, expression, context, external_context=None):
        code = compile_script(expression, "eval")
        # Guards last: task data (e.g. a form field named "_getattr_") must never replace them.
        my_globals = {**self.globals, **(external_context or {}), **context, **GUARDS, "__builtins__": self.builtins}
        with time_guard(self.time_limit):
            return eval(code, my_globals)

    def execute(self, script, context, external_context=None):
        code = compile_script(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context.update(GUARDS, __builtins__=self.builtins)
        try:
            with time_guard(self.time_limit):
                exec(code, context)  # noqa: S102  (compiled by RestrictedPython above)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
            for key, value in context.items():
                context[key] = _dates_to_iso(value)
        # Saved as JSON with the instance: a dict holding one big text a thousand times is a big state.
        check_size(context, "dữ liệu công việc sau kịch bản")
        return True

    def call_service(self, context, operation_name=None, operation_params=None, task_data=None):
        """Hook for service tasks: subclass and route `operation_name` to a registered operator."""
        raise NotImplementedError(
            f"Chưa có bộ xử lý cho dịch vụ '{operation_name}': chưa đăng ký operator cho service task.")


class RestrictedScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose errors name the real problem (policy, time limit, or Python error)."""

    def __init__(self, calendar: WorkCalendar, *, time_limit: float | None = DEFAULT_TIME_LIMIT,
                 environment: RestrictedEnvironment | None = None):
        super().__init__(environment=environment or RestrictedEnvironment(calendar, time_limit=time_limit))
        self.calendar = calendar

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as error:
            error.add_note(f"Khi tính biểu thức '{expression}'")
            raise
        except ScriptPolicyError as error:
            raise _task_error(str(error), task, error) from error
        except Exception as error:
            raise _task_error(f"Lỗi khi tính biểu thức '{expression}': {_describe(error)}", task, error) from error

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except SpiffWorkflowException as error:
            raise self.create_task_exec_exception(task, script, error) from None
        except ScriptPolicyError as error:
            raise _task_error(str(error), task, error) from error
        except Exception as error:
            line_number, error_line = self.get_error_line_number_and_content(script, error)
            where = f" (dòng {line_number}: {error_line.strip()})" if line_number else ""
            raise _task_error(f"Lỗi trong kịch bản{where}: {_describe(error)}", task, error,
                              line_number=line_number, error_line=error_line) from error

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        """Route a service task to the environment; 3.2.0's own version hides errors behind `NameError: script`."""
        try:
            return self.environment.call_service(task.data, operation_name=operation_name,
                                                 operation_params=operation_params, task_data=task.data)
        except SpiffWorkflowException:
            raise
        except Exception as error:
            raise _task_error(f"Lỗi khi gọi dịch vụ '{operation_name}': {_describe(error)}", task, error) from error


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _task_error(message: str, task, error: Exception, **details) -> WorkflowTaskException:
    # SpiffWorkflowException.__str__ appends ". " itself.
    return WorkflowTaskException(message.rstrip(". "), task=task, exception=error, **details)


def make_script_engine(calendar: WorkCalendar, *,
                       time_limit: float | None = DEFAULT_TIME_LIMIT) -> RestrictedScriptEngine:
    """The one script engine the application uses."""
    return RestrictedScriptEngine(calendar, time_limit=time_limit)
