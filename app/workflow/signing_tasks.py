"""Completing a signing step: the subject's signing handler signs under the instance lock, then the task runs."""
from typing import Callable

from flask_babel import gettext as _
from SpiffWorkflow.task import Task

from .errors import SigningRefused
from .runtime import Completion, LockedTask, lock_task, run_task
from .signing_node import SigningStep, signing_handler


def signing_preparer(locked: LockedTask, *, actor, secret) -> Callable[[Task], dict]:
    """What runs before a signing task: unless its returnCondition holds, the handler registered for the
    instance's subject signs. The secret (PIN, or a signature made elsewhere) goes to the handler only;
    it is never part of the task data or the audit event."""
    instance = locked.instance
    handler = signing_handler(instance.subject_type)

    def prepare(task: Task) -> dict:
        spec = task.task_spec
        if spec.is_returned(task):
            return {}
        if handler is None:
            raise SigningRefused(_("Hồ sơ này không có văn bản để ký số."))
        return handler(SigningStep(spec.kind, spec.document), instance, actor, secret)

    return prepare


def sign_and_complete(task_uuid: str, data: dict, *, actor, pin) -> Completion:
    """Complete a signing task with data the caller vouches for (seeding, tests); people's answers go
    through workflow.submission.submit_task."""
    locked = lock_task(task_uuid, actor=actor)
    return run_task(locked, data, actor=actor, prepare=signing_preparer(locked, actor=actor, secret=pin))
