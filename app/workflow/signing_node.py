"""The signing step node: a user task marked <lienthong:signing kind=… document=… returnCondition=…/>.

It completes only when the task data carries a verified signature result for its kind and document,
or, where the diagram allows the person to send the draft back, when `returnCondition` (an
expression over the task data, e.g. "decision == 'return'") holds: a signer who returns a draft
signs nothing. The signing itself (pyHanko) lives in app.signing, reached through the handler a
domain registers for the task's subject type; this node is the guard and the BPMN vocabulary.
"""
from typing import Callable

from flask import Flask, current_app
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import xpath_eval
from SpiffWorkflow.spiff.parser.task_spec import UserTaskParser
from SpiffWorkflow.spiff.serializer.task_spec import UserTaskConverter
from SpiffWorkflow.spiff.specs.defaults import UserTask

LIENTHONG_NS = "https://lienthong.gov.vn/bpmn/1.0"
SIGNING_KINDS = ("signer", "organization")
SIGNATURE_RESULT_KEY = "signature_result"
_HANDLERS_KEY = "lienthong.signing_handlers"


class SigningTask(UserTask):
    """A user task that applies a digital signature; its typename is stored: never rename it."""

    def __init__(self, wf_spec, name, kind="signer", document="main", return_condition=None, **kwargs):
        super().__init__(wf_spec, name, **kwargs)
        self.kind = kind
        self.document = document
        self.return_condition = return_condition

    def is_returned(self, my_task) -> bool:
        """True when the person sends the draft back instead of signing (returnCondition holds)."""
        if not self.return_condition:
            return False
        return bool(my_task.workflow.script_engine.evaluate(my_task, self.return_condition))

    def _run_hook(self, my_task):
        result = my_task.data.get(SIGNATURE_RESULT_KEY) or {}
        signed = (result.get("verified") is True and result.get("kind") == self.kind
                  and result.get("document") == self.document)
        if not signed and not self.is_returned(my_task):
            raise WorkflowTaskException("Chưa có chữ ký số hợp lệ cho bước ký này.", task=my_task)
        return super()._run_hook(my_task)


class SigningAwareUserTaskParser(UserTaskParser):
    """Parse user tasks; those carrying <lienthong:signing> become SigningTask specs."""

    def create_task(self):
        marks = xpath_eval(self.node, {"lienthong": LIENTHONG_NS})(
            "./bpmn:extensionElements/lienthong:signing")
        if not marks:
            return super().create_task()
        kind, document = marks[0].get("kind", "signer"), marks[0].get("document", "main")
        if kind not in SIGNING_KINDS:
            self.raise_validation_exception(
                f"Bước ký số có loại '{kind}' không hợp lệ (chỉ nhận: {', '.join(SIGNING_KINDS)}).")
        extensions = self.parse_extensions()
        return SigningTask(self.spec, self.bpmn_id, kind=kind, document=document,
                           return_condition=marks[0].get("returnCondition") or None,
                           variable=extensions.get("variableName"),
                           prescript=extensions.get("preScript"), postscript=extensions.get("postScript"),
                           **self.bpmn_attributes)


class SigningTaskConverter(UserTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        dct["kind"] = spec.kind
        dct["document"] = spec.document
        dct["return_condition"] = spec.return_condition
        return dct


# A signing handler applies the signature for a task about its subject type and returns the data the
# node checks: handler(step, instance, actor, secret) -> {"signature_result": {...}, ...}, raising
# SigningRefused (or a WorkflowError) when nothing may be signed. The instance names the subject (never
# the task data). `secret` is the PIN the person typed: it goes to the handler only, never into task
# data or the audit chain.
SigningHandler = Callable[["SigningStep", object, object, str], dict]


class SigningStep:
    """What a handler needs to know of the node: the kind of signature and which document."""

    def __init__(self, kind: str, document: str):
        self.kind, self.document = kind, document


def register_signing_handler(app: Flask, subject_type: str, handler: SigningHandler) -> None:
    app.extensions.setdefault(_HANDLERS_KEY, {})[subject_type] = handler


def signing_handler(subject_type: str | None) -> SigningHandler | None:
    return current_app.extensions.get(_HANDLERS_KEY, {}).get(subject_type or "")
