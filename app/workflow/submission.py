"""The one front door for finishing a task: the web form, the API and external signing all come here.

The task is locked and its state loaded once; the answer keeps only the fields the task's form
declares (task data is user input), is checked against the schema and the choices the person is
offered, then the task is signed (a signing step) or completed and saved. The case's subject comes
from the instance, never from the answer. Views and API routes only adapt their input and output.
"""
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _

from app.filestore import UploadBatch, UploadRefused

from .case_changes import cancel_from_task
from .errors import TaskForbidden, WorkflowError
from .form_errors import FORM_ERROR_KEY
from .form_submission import as_answer, declared_only, parse_submission, validate_data, value_at
from .forms import TaskForm
from .registry import OperatorContext, catalogue
from .runtime import Completion, lock_task, run_task
from .signing_tasks import signing_preparer
from .task_pages import picker_choices, task_shape

CHANNELS = ("web", "api", "external_signing")


class AnswerInvalid(WorkflowError):
    """The answer does not fit the form: errors by field (dotted path), in Vietnamese; nothing was kept."""

    status = 422

    def __init__(self, errors: dict, data: dict):
        super().__init__(_("Dữ liệu chưa hợp lệ."))
        self.errors, self.data = errors, data


class TaskAnswer(Protocol):
    def held(self) -> AbstractContextManager:
        """While open, what the answer uploads is held aside; it is stored only if the block succeeds."""

    def typed(self, form: TaskForm, choices: dict, current: dict) -> tuple[dict, dict]:
        """Typed values of the declared fields and errors by field; `current` is the task's data now."""


@dataclass
class JsonAnswer:
    """An answer as JSON (the API, a prepared external signature)."""

    values: object
    ignored: list[str] = field(default_factory=list)  # undeclared keys left out, told back to the client

    def held(self) -> AbstractContextManager:
        return nullcontext()  # JSON carries no files

    def typed(self, form: TaskForm, choices: dict, current: dict) -> tuple[dict, dict]:
        if not isinstance(self.values, dict):
            return {}, {FORM_ERROR_KEY: _("Dữ liệu phải là một đối tượng JSON.")}
        data, self.ignored = declared_only(form.schema, self.values)
        errors = validate_data(form, data, choices)
        for name in form.file_fields:
            # A file is stored by the server from an upload; a hash typed into JSON could name anyone's file.
            if value_at(data, name) is not None:
                errors[name] = _("Tệp chỉ tải lên được qua biểu mẫu trên trang công việc.")
        return data, errors


@dataclass
class PostedForm:
    """An answer posted from the task page: form strings and uploaded PDFs."""

    formdata: object
    files: object
    _batch: UploadBatch | None = None

    @contextmanager
    def held(self):
        config = current_app.config
        with UploadBatch(config["FILES_DIR"], max_bytes=config["MAX_TASK_FILE_MB"] * 1024 * 1024) as batch:
            self._batch = batch
            yield

    def typed(self, form: TaskForm, choices: dict, current: dict) -> tuple[dict, dict]:
        data, errors = parse_submission(form, self.formdata, choices)
        for name in form.file_fields:
            upload = self.files.get(name)
            if upload is None or not upload.filename:
                if name in form.schema.get("required", ()) and not current.get(name):
                    errors[name] = _("Trường này bắt buộc.")
                continue
            try:
                data[name] = self._batch.add_pdf(upload.stream, upload.filename).as_data()
            except UploadRefused as refused:
                errors[name] = str(refused)
        return data, errors


def submit_task(task_uuid: str, answer: TaskAnswer, *, actor, channel: str, secret=None) -> Completion:
    """Finish the actor's task with their answer; one winner when two people submit at once.

    `secret` is a signing step's PIN or a signature made with a key held elsewhere: it goes to the
    signing handler only, never into the task data or the audit chain.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    locked = lock_task(task_uuid, actor=actor)
    shape = task_shape(locked.row)
    # Uploads reach the file store only if the whole completion goes through: a refusal leaves no blob.
    with answer.held():
        data = {}
        if shape.form is not None:
            data, errors = answer.typed(shape.form, picker_choices(shape.form, actor), locked.task.data)
            if errors:
                raise AnswerInvalid(errors, data)
            data = as_answer(shape.form, data)
        prepare = signing_preparer(locked, actor=actor, secret=secret) if shape.signing else None
        return run_task(locked, data, actor=actor, prepare=prepare, channel=channel)


def withdraw_case(task_uuid: str, *, actor) -> str:
    """Abandon the case from a task waiting for `actor`, where its process allows it (ProcessDefinition
    .withdrawal): the same lock and entitlement as completing the task, then the domain's check, then the
    audited cancellation. Returns what was done, in the process's words."""
    locked = lock_task(task_uuid, actor=actor)
    definition = catalogue().processes.get(locked.instance.process_id)
    withdrawal = definition.withdrawal if definition is not None else None
    if withdrawal is None or locked.task.task_spec.name not in withdrawal.tasks:
        raise TaskForbidden(_("Không thể hủy hồ sơ từ công việc này."))
    withdrawal.check(OperatorContext(locked.instance, dict(locked.task.data), actor, {}))
    cancel_from_task(locked, actor=actor, reason=withdrawal.label)
    return withdrawal.label
