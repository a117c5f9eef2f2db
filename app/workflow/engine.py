"""The one place SpiffWorkflow is configured: parser, serializer, and how specs and states are stored.

Specs are serialised once per process version; an instance stores only its own state (the spec
keys are removed before saving and the cached spec objects are put back when loading).
"""
import json
import re
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import UserTask
from SpiffWorkflow.task import Task, TaskState

from .signing_node import SigningAwareUserTaskParser, SigningTask, SigningTaskConverter

__all__ = ["SERIALIZER_VERSION", "STORAGE_FORMAT", "BpmnDefinitionError", "ParsedProcess", "parse_process",
           "spec_to_json", "specs_to_json", "specs_from_json", "state_to_json", "workflow_from_state", "new_workflow"]


# How we store what SpiffWorkflow's serializer (SERIALIZER_VERSION) gives us; raise it with every change
# and add a fixture (tests/workflow/fixtures/states/README.md). Each change keeps reading the older ones:
#   1 (f755fed) the state without its spec keys, as plain JSON text; the signing node's kind and document
#   2 (40c65df) the state zlib-compressed ("z1:", app.sqltypes.CompressedText)
#   3 (995f920) the signing node's spec also carries return_condition
# Rows written before the format was recorded hold NULL; `flask processes upgrade-states` rewrites them.
STORAGE_FORMAT = 3


class LienThongBpmnParser(SpiffBpmnParser):
    # A copy plus our entry: the library's own class attribute is never mutated.
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (SigningAwareUserTaskParser, UserTask),
    }


class BpmnDefinitionError(ValueError):
    """A diagram SpiffWorkflow cannot take; `element_id` names the element when known."""

    def __init__(self, message: str, *, filename: str = "", element_id: str = ""):
        super().__init__(message)
        self.message, self.filename, self.element_id = message, filename, element_id


@dataclass
class ParsedProcess:
    spec: object
    subprocess_specs: dict
    document: etree._Element


class WorkflowStateConverter(BpmnWorkflowConverter):
    """The library's workflow converter that can leave the specs out instead of converting them to drop them."""

    def to_dict(self, workflow, *, specs: bool = True) -> dict:
        if specs:
            return super().to_dict(workflow)
        # BpmnWorkflowConverter.to_dict (SpiffWorkflow 3.2.0) without its two spec keys.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


@lru_cache(maxsize=16384)
def _task_id(text: str) -> UUID:
    return UUID(text)  # immutable: one object may serve every task and state that spells it


class TaskStateConverter(TaskConverter):
    """The library's task converter, restoring with each id parsed once: a state spells every task id
    three times (the task's own, in its parent's children, as its children's parent), and parsing them
    was a fifth of loading a state. Its data is copied from its parent's without the library's general
    merge, and saving finds a task's parent once. Same dictionaries both ways."""

    def to_dict(self, task):
        # TaskConverter.to_dict of SpiffWorkflow 3.2.0 with DeepMerge.get_updated_keys and
        # get_deleted_keys inlined.
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            own, inherited = task.data, parent.data
            data = {}
            delta = {"updates": {key: value for key, value in own.items()
                                 if key not in inherited or value != inherited[key]},
                     "deletions": [key for key in inherited if key not in own]}
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data) if task.internal_data else {},
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct, workflow):
        # TaskConverter.from_dict of SpiffWorkflow 3.2.0 with _task_id for UUID.
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_task_id(dct["id"]))
        task._parent = _task_id(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_task_id(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = self.registry.restore(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = task.parent if delta else None
        if parent is not None:
            data = _copied(parent.data)
            if updates := delta.get("updates"):
                data.update(self.registry.restore(updates))
            for key in delta.get("deletions", {}):
                if key in data:
                    del data[key]
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


def _copied(data: dict) -> dict:
    """What DeepMerge.merge({}, data) gives (SpiffWorkflow 3.2.0): into an empty dict every value goes
    as is, lists, dicts and sets as shallow copies."""
    copied = data.copy()
    for key, value in data.items():
        kind = type(value)
        if kind is list or kind is dict:  # most data is text, numbers and lists of ids
            copied[key] = value.copy()
        elif kind is not str and isinstance(value, (dict, list, set)):
            copied[key] = copy(value)
    return copied


@cache
def workflow_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)  # a copy: SPIFF_CONFIG itself stays as the library shipped it
    config[SigningTask] = SigningTaskConverter
    config[Task] = TaskStateConverter  # same typename: stored states are unaffected
    config[BpmnWorkflow] = WorkflowStateConverter  # same typename: stored states are unaffected
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def read_bpmn(bpmn: bytes):
    """The XML document, parsed without entity expansion or network access; raises etree.XMLSyntaxError."""
    return etree.fromstring(bpmn, etree.XMLParser(resolve_entities=False, no_network=True))


def parse_process(bpmn: "bytes | etree._Element", process_id: str, filename: str) -> ParsedProcess:
    """Validate the XML (bytes, or a document read_bpmn gave) against the BPMN/Spiff XSD and build the
    executable spec."""
    parser = LienThongBpmnParser(validator=VALIDATOR)
    try:
        document = read_bpmn(bpmn) if isinstance(bpmn, bytes) else bpmn
        parser.add_bpmn_xml(document, filename=filename)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except etree.XMLSyntaxError as error:
        raise BpmnDefinitionError(f"Tệp không phải XML hợp lệ: {error}", filename=filename) from None
    except ValidationException as error:
        raise BpmnDefinitionError(explain_parser_error(str(error).splitlines()[0]), filename=filename,
                                  element_id=getattr(error, "id", "") or "") from None
    return ParsedProcess(spec, subprocess_specs, document)


# SpiffWorkflow's and the XSD validator's messages, as designers read them.
_PARSER_MESSAGES = [
    (re.compile(r"Multiple outgoing flows are not supported"),
     "Phần tử có nhiều luồng ra mà không qua cổng (tách ngầm): dùng cổng song song hoặc cổng điều kiện."),
    (re.compile(r"Process (\S+) is not executable"),
     "Quy trình {0} đang ở dạng mô tả (isExecutable=\"false\"): đánh dấu \"có thể thực thi\" trước khi xuất bản."),
    (re.compile(r"Element '(?:\{[^}]*\})?([^']+)': This element is not expected"),
     "Sơ đồ không đúng lược đồ BPMN 2.0: phần tử '{0}' không được phép ở vị trí này."),
    (re.compile(r"Element '(?:\{[^}]*\})?([^']+)', attribute '(?:\{[^}]*\})?([^']+)': The attribute .* not allowed"),
     "Sơ đồ không đúng lược đồ BPMN 2.0: thuộc tính '{1}' không được phép trên phần tử '{0}'."),
    (re.compile(r"Element '(?:\{[^}]*\})?([^']+)'"),
     "Sơ đồ không đúng lược đồ BPMN 2.0 tại phần tử '{0}' (chi tiết kỹ thuật: {text})."),
    (re.compile(r"The process '([^']+)' was not found"),
     "Không tìm thấy quy trình mã '{0}' trong tệp: mã quy trình (id của bpmn:process) phải giữ nguyên."),
    (re.compile(r"When looking for a task spec.*\((\S+)\)"),
     "Có luồng nối tới '{0}' nhưng không có phần tử nào mang mã đó (hoặc mã bị trùng)."),
    (re.compile(r"multiinstance task must specify"),
     "Bước lặp (multi-instance) phải có số lần lặp hoặc biến đầu vào (loopDataInputRef)."),
]


def explain_parser_error(text: str) -> str:
    for pattern, message in _PARSER_MESSAGES:
        found = pattern.search(text)
        if found:
            return message.format(*found.groups(), text=text.strip())
    return f"Bộ máy quy trình không chạy được sơ đồ này (chi tiết kỹ thuật: {text.strip()})."


def spec_to_json(parsed: ParsedProcess) -> str:
    return specs_to_json(parsed.spec, parsed.subprocess_specs)


def specs_to_json(spec, subprocess_specs: dict) -> str:
    """Serialise a process version's spec objects in the current format (specs_from_json reads them)."""
    serializer = workflow_serializer()
    return json.dumps({
        "spec": serializer.to_dict(spec),
        "subprocess_specs": {name: serializer.to_dict(s) for name, s in subprocess_specs.items()},
    })


def specs_from_json(spec_json: str) -> tuple[object, dict]:
    """Restore the spec objects of a process version (callers cache them per version)."""
    serializer = workflow_serializer()
    stored = json.loads(spec_json)
    return (serializer.from_dict(stored["spec"]),
            {name: serializer.from_dict(s) for name, s in stored["subprocess_specs"].items()})


def _json_default(value):
    # Task data is JSON; dates made by scripts are stored as ISO text.
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"Dữ liệu công việc phải là JSON; không lưu được kiểu {type(value).__name__}.")


def state_to_json(workflow: BpmnWorkflow) -> str:
    """Serialise the instance state without its spec."""
    registry = workflow_serializer().registry
    state = registry.convert_to_dict[registry.typenames[BpmnWorkflow]](workflow, specs=False)
    return json.dumps(state, separators=(",", ":"), default=_json_default)


def workflow_from_state(state_json: str, serializer_version: str, spec, subprocess_specs: dict,
                        spec_json: str | None, script_engine) -> BpmnWorkflow:
    """Rebuild a workflow from its stored state and its version's (cached) spec objects.

    `spec_json` (the version's stored specs) is needed only when `serializer_version` is an older one.
    """
    serializer = workflow_serializer()
    state = json.loads(state_json)
    if serializer_version != SERIALIZER_VERSION:
        # Library migrations rewrite the spec dicts too, so they get the full serialisation.
        state.update(json.loads(spec_json))
        state[serializer.VERSION_KEY] = serializer_version
        serializer.migrate(state)
    else:
        state["spec"], state["subprocess_specs"] = spec, subprocess_specs
    workflow = serializer.from_dict(state)
    workflow.script_engine = script_engine
    return workflow


def new_workflow(spec, subprocess_specs: dict, script_engine, data: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    workflow.task_tree.data.update(data)
    return workflow
