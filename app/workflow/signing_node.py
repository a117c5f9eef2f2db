"""The signing step node: a user task marked <lienthong:signing kind=… document=…/>.

It completes only when the task data carries a verified signature result for its kind and document.
The signing itself (pyHanko) lives in app.signing; this node is the guard and the BPMN vocabulary.
"""
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import xpath_eval
from SpiffWorkflow.spiff.parser.task_spec import UserTaskParser
from SpiffWorkflow.spiff.serializer.task_spec import UserTaskConverter
from SpiffWorkflow.spiff.specs.defaults import UserTask

LIENTHONG_NS = "https://lienthong.gov.vn/bpmn/1.0"
SIGNING_KINDS = ("signer", "organization")
SIGNATURE_RESULT_KEY = "signature_result"


class SigningTask(UserTask):
    """A user task that applies a digital signature; its typename is stored: never rename it."""

    def __init__(self, wf_spec, name, kind="signer", document="main", **kwargs):
        super().__init__(wf_spec, name, **kwargs)
        self.kind = kind
        self.document = document

    def _run_hook(self, my_task):
        result = my_task.data.get(SIGNATURE_RESULT_KEY) or {}
        if not (result.get("verified") is True and result.get("kind") == self.kind
                and result.get("document") == self.document):
            raise WorkflowTaskException(
                "Chưa có chữ ký số hợp lệ cho bước ký này.", task=my_task)
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
                           variable=extensions.get("variableName"),
                           prescript=extensions.get("preScript"), postscript=extensions.get("postScript"),
                           **self.bpmn_attributes)


class SigningTaskConverter(UserTaskConverter):
    def to_dict(self, spec):
        dct = super().to_dict(spec)
        dct["kind"] = spec.kind
        dct["document"] = spec.document
        return dct
