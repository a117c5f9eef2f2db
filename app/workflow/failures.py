"""What failed when the engine ran a system step (service task, script, timer), in words for people and
for operators, and how the service task declares its retries.

A failure is classified once, here: `transient` (the service was unreachable: try again later),
`permanent` (the service answered with an error, or our operator broke), `data` (the case's data does not
fit the step: the operator or the script said so in its own words), `script` (a script, condition or
expression broke) and `timer` (a timer could not be computed or fired).
"""
import math
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from .code_limits import ScriptPolicyError
from .errors import WorkflowError


class TransientServiceError(Exception):
    """Raised by an operator when the service it calls is unreachable for now (the axis, a mail server):
    the step is tried again at the backoff times its service task declares."""


INCIDENT_KINDS_LABELS = {"transient": _l("Dịch vụ tạm thời lỗi"), "permanent": _l("Dịch vụ báo lỗi"),
                         "script": _l("Lỗi kịch bản"), "timer": _l("Lỗi hẹn giờ"), "data": _l("Dữ liệu không phù hợp")}

# Errors of the network and the operating system: the far side may answer later.
TRANSIENT_ERRORS = (TransientServiceError, ConnectionError, TimeoutError)

# Kinds a person who is completing a task is told at once (their answer is refused, nothing is kept):
# they can fix their own data. The other kinds are nobody's input: the case goes to an incident.
PERSON_FIXES = ("data",)

MAX_TRIES = 10
MAX_BACKOFF_SECONDS = 86_400
MAX_MULTIPLIER = 10.0
DETAIL_LIMIT = 4000
# An operator's edit of a step's data (incidents): the state is stored with every save.
INCIDENT_DATA_LIMIT = 64 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    tries: int = 1  # attempts in all, the first one included
    backoff: float = 60.0  # seconds before the second attempt
    multiplier: float = 1.0  # each later wait is this many times the one before
    skippable: bool = False

    def delay(self, tries_done: int) -> float:
        """Seconds to wait after attempt number `tries_done` failed."""
        return min(self.backoff * self.multiplier ** max(tries_done - 1, 0), MAX_BACKOFF_SECONDS)


class RetryDeclarationError(ValueError):
    """A service task's retry properties are out of bounds (the designer's check reports it)."""


def _number(properties: dict, name: str, default, low, high, cast):
    text = properties.get(name)
    if text in (None, ""):
        return default
    try:
        value = cast(str(text).strip())
    except ValueError:
        raise RetryDeclarationError(_("Thuộc tính %(name)s phải là số, nhận được \"%(value)s\".",
                                      name=name, value=str(text)[:40])) from None
    if not math.isfinite(value) or not low <= value <= high:
        raise RetryDeclarationError(_("Thuộc tính %(name)s phải trong khoảng %(low)s–%(high)s.",
                                      name=name, low=low, high=high))
    return value


def declared_policy(properties: dict) -> RetryPolicy:
    """The retry policy a service task's spiffworkflow properties declare; out of bounds is refused."""
    return RetryPolicy(tries=_number(properties, "retries", 1, 1, MAX_TRIES, int),
                       backoff=_number(properties, "retryBackoff", 60.0, 1, MAX_BACKOFF_SECONDS, float),
                       multiplier=_number(properties, "retryMultiplier", 1.0, 1, MAX_MULTIPLIER, float),
                       skippable=str(properties.get("skippable", "")).strip().lower() in ("true", "1", "yes"))


def retry_policy(task_spec) -> RetryPolicy:
    """The policy of a step as the engine holds it; a stored version published before the limits (or a
    hand-edited file) falls back to one try rather than failing the case again."""
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties") or {}
    try:
        return declared_policy(properties)
    except RetryDeclarationError:
        return RetryPolicy()


def retry_problems(task_spec) -> list[str]:
    """What is wrong with a service task's retry declaration, for the designer's check."""
    try:
        declared_policy((getattr(task_spec, "extensions", None) or {}).get("properties") or {})
    except RetryDeclarationError as problem:
        return [str(problem)]
    return []


@dataclass(frozen=True)
class Failure:
    kind: str
    message: str  # Vietnamese, for people
    detail: str  # technical, for operators
    task_spec: str = ""  # the step's id in the diagram, when known
    task_name: str = ""
    manual: bool = False  # the step is a person's task (its own scripts failed)
    policy: RetryPolicy = RetryPolicy()


def _root_cause(error: BaseException) -> BaseException:
    seen = set()
    while error.__cause__ is not None and id(error) not in seen:
        seen.add(id(error))
        error = error.__cause__
    return error


def _is_service(spec) -> bool:
    return hasattr(spec, "operation_name")


def _is_timer(spec) -> bool:
    return isinstance(getattr(spec, "event_definition", None), TimerEventDefinition)


def failed_task(error: BaseException, workflow):
    task = getattr(error, "task", None)
    if task is None and workflow is not None:
        errored = workflow.get_tasks(state=TaskState.ERROR)
        task = errored[0] if errored else None
    return task


def classify(error: BaseException, workflow=None) -> Failure:
    """The failure `error` (raised while the engine ran steps of `workflow`) stands for."""
    task = failed_task(error, workflow)
    spec = task.task_spec if task is not None else None
    cause = _root_cause(error)
    step = (getattr(spec, "bpmn_name", None) or spec.name) if spec is not None else _("không xác định")
    # Words written for people: our refusals and limits, and an operator's ValueError (operators speak
    # Vietnamese; Python's own ValueErrors in scripts do not, so those stay script failures).
    own_words = isinstance(cause, (WorkflowError, ScriptPolicyError)) or (
        _is_service(spec) and isinstance(cause, ValueError))
    if _is_service(spec) and isinstance(cause, TRANSIENT_ERRORS):
        kind, message = "transient", _("Dịch vụ ở bước «%(step)s» tạm thời không phản hồi.", step=step)
    elif own_words:
        kind, message = "data", _("Dữ liệu của hồ sơ không phù hợp với bước «%(step)s»: %(reason)s",
                                  step=step, reason=_own_words(cause))
    elif _is_service(spec):
        kind, message = "permanent", _("Dịch vụ ở bước «%(step)s» báo lỗi.", step=step)
    elif _is_timer(spec):
        kind, message = "timer", _("Không tính được hẹn giờ ở bước «%(step)s».", step=step)
    else:
        kind, message = "script", _("Kịch bản hoặc điều kiện ở bước «%(step)s» không chạy được.", step=step)
    detail = f"{type(cause).__name__}: {cause}"
    if cause is not error:
        detail += f"\n{error}"
    return Failure(kind, message, detail[:DETAIL_LIMIT], spec.name if spec is not None else "",
                   step if spec is not None else "", bool(getattr(spec, "manual", False)),
                   retry_policy(spec) if _is_service(spec) else RetryPolicy())


def plain_message(kind: str, message: str, step: str) -> str:
    """The failure's message without the error's own words, which may quote the case's data: for notices
    (a designer of another agency among those told) and for those who may not see the case."""
    if kind == "data":
        return _("Dữ liệu của hồ sơ không phù hợp với bước «%(step)s».", step=step or _("không xác định"))
    return message


def _own_words(cause: BaseException) -> str:
    text = cause.message if isinstance(cause, WorkflowError) else str(cause)
    return text.strip().rstrip(".") + "."


def unloadable(error: BaseException, *, step: str = "") -> Failure:
    """A case whose stored state the timer job could not run (no engine task to point at)."""
    message = (_("Không chạy được hẹn giờ ở bước «%(step)s».", step=step) if step
               else _("Không chạy được các hẹn giờ của hồ sơ."))
    return Failure("timer", message, f"{type(error).__name__}: {error}"[:DETAIL_LIMIT], step, step)
