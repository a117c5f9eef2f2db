"""Failed instances: an administrator looks at the error and runs the instance again."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.directory.roles import ADMIN
from app.directory.scoping import scoped
from app.extensions import db

from .errors import ProcessFailed, TaskForbidden, WorkflowError
from .models import ProcessInstance
from .runtime import fire_timers, lock_instance


def failed_instances_query(actor):
    return scoped(select(ProcessInstance).where(ProcessInstance.status == "error"), actor).order_by(
        ProcessInstance.updated_at.desc())


def retry_instance(instance_id: int, *, actor) -> list[str]:
    """Put a failed instance back to running and run its due work again; it may fail again."""
    if not actor.has_role(ADMIN):
        raise TaskForbidden(_("Chỉ quản trị viên được chạy lại hồ sơ lỗi."))
    instance = lock_instance(instance_id)
    if not actor.province_wide and instance.agency_id != actor.agency_id:
        raise WorkflowError(_("Không tìm thấy hồ sơ quy trình."))
    if instance.status != "error":
        raise WorkflowError(_("Hồ sơ này không ở trạng thái lỗi."))
    previous_error = instance.error_message
    instance.status, instance.error_message = "running", None
    record("instance_retried", actor=actor, subject=instance, agency_id=instance.agency_id,
           instance_id=instance.id, previous_error=previous_error)
    db.session.flush()
    try:
        return fire_timers(instance.id)
    except WorkflowError:
        raise
    except Exception as error:  # a state the engine cannot load: report it, the caller rolls back
        raise ProcessFailed(f"{type(error).__name__}: {error}") from error
