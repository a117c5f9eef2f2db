"""An instance's history as recorded in the audit chain (the auditors' pages build on this)."""
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.audit.models import AuditEvent
from app.extensions import db

# The engine's own steps: kept for replay and auditors, not listed on the staff's task pages.
ENGINE_EVENTS = ("service_task_completed", "instance_replayed")


def instance_events(instance_id: int) -> list[AuditEvent]:
    """Events about the instance itself or its tasks, in chain order."""
    return list(db.session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.subject_type == "process_instance") & (AuditEvent.subject_id == str(instance_id)),
        AuditEvent.data["instance_id"].as_integer() == instance_id,
    )).order_by(AuditEvent.seq)))


def event_json(event: AuditEvent) -> dict:
    return {"seq": event.seq, "type": event.event_type, "at": event.occurred_at.isoformat(),
            "actor": event.actor.username if event.actor else None,
            "on_behalf_of": event.on_behalf_of.username if event.on_behalf_of else None,
            "task_spec": event.data.get("task_spec"), "timers": event.data.get("timers")}


def event_label(event: AuditEvent) -> str:
    """What happened, in the words of the task page ("Hoàn thành: Giao việc")."""
    step = event.data.get("task_title") or event.data.get("task_spec") or ""
    labels = {
        "instance_started": _("Khởi tạo hồ sơ"),
        "task_completed": _("Hoàn thành: %(step)s", step=step),
        "task_claimed": _("Nhận việc: %(step)s", step=step),
        "task_released": _("Trả lại nhóm: %(step)s", step=step),
        "task_reassigned": _("Giao lại: %(step)s", step=step),
        "task_failed": _("Lỗi khi xử lý: %(step)s", step=step),
        "timer_fired": _("Hẹn giờ: %(timers)s", timers=", ".join(event.data.get("timers") or [])),
        "message_delivered": _("Nhận thông điệp: %(name)s", name=event.data.get("message", "")),
        "instance_failed": _("Hồ sơ gặp lỗi"),
        "instance_retried": _("Chạy lại hồ sơ"),
        "instance_cancelled": _("Hủy hồ sơ"),
        "instance_replayed": _("Phát lại kiểm chứng"),
        "service_task_completed": _("Bước tự động: %(operator)s", operator=event.data.get("operator", "")),
    }
    return labels.get(event.event_type, event.event_type)
