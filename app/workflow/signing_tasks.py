"""Completing a signing step: the subject's signing handler signs under the instance lock, then the task runs."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db

from .models import HumanTask
from .runtime import Completion, SigningRefused, complete_task
from .signing_node import SigningStep, signing_handler


def sign_and_complete(task_uuid: str, data: dict, *, actor, pin: str) -> Completion:
    """Complete a signing task: unless its returnCondition holds, the registered handler signs first.

    The PIN goes to the handler only; it is never part of the task data or the audit event.
    """
    subject_type = db.session.scalar(select(HumanTask.subject_type).where(HumanTask.task_uuid == task_uuid))
    handler = signing_handler(subject_type)

    def prepare(task) -> dict:
        spec = task.task_spec
        if spec.is_returned(task):
            return {}
        if handler is None:
            raise SigningRefused(_("Hồ sơ này không có văn bản để ký số."))
        return handler(SigningStep(spec.kind, spec.document), task.data, actor, pin)

    return complete_task(task_uuid, data, actor=actor, prepare=prepare)
