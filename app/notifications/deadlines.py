"""The periodic deadline sweep: each holder of an open task due by the next working day is told once per
deadline, and once more when the task becomes overdue.

Two INSERT … SELECT statements over the inbox index (its due_at is indexed), none per task: the dedupe
key (task and deadline day, or task alone for overdue) makes every later run a no-op for rows told.
"""
from datetime import datetime, time, timezone

from sqlalchemy import Integer, String, case, cast, func, literal, select

from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow
from app.vietnam_time import VIETNAM
from app.workflow.models import HumanTask
from app.workflow.scripting_runtime import work_calendar

from .models import DUE_TOMORROW, OVERDUE, Notification
from .services import notice_insert

_TASKS = HumanTask.__table__
_NOTICE_ID = Notification.__table__.c.id


def _end_of(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), VIETNAM).astimezone(timezone.utc)


def _tell(kind: str, dedupe_key, *conditions, now) -> int:
    document_id = case((_TASKS.c.subject_type == "document", cast(_TASKS.c.subject_id, Integer)))
    chosen = select(_TASKS.c.assigned_user_id, literal(kind, String), document_id, _TASKS.c.task_uuid,
                    literal("", String), dedupe_key, literal(now, UtcDateTime())).where(
        _TASKS.c.assigned_user_id.is_not(None), _TASKS.c.due_at.is_not(None), *conditions)
    statement = notice_insert().from_select(
        ["user_id", "kind", "document_id", "task_uuid", "note", "dedupe_key", "created_at"], chosen
    ).on_conflict_do_nothing().returning(_NOTICE_ID)
    # RETURNING rather than rowcount, which psycopg's pipeline mode leaves at -1.
    return len(db.session.execute(statement).all())


def sweep_task_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Tell holders of tasks due by the end of the next working day, and of tasks now overdue."""
    now = now or utcnow()
    today = now.astimezone(VIETNAM).date()
    horizon = _end_of(work_calendar().next_working_day(today))
    # The deadline's day in Vietnam names the notice: the same deadline is told once, a new one again.
    due_day = func.substr(cast(_TASKS.c.due_at, String), 1, 10)
    due = _tell(DUE_TOMORROW, literal(f"{DUE_TOMORROW}:", String) + _TASKS.c.task_uuid + literal(":", String) + due_day,
                _TASKS.c.due_at > _end_of(today), _TASKS.c.due_at <= horizon, now=now)
    overdue = _tell(OVERDUE, literal(f"{OVERDUE}:", String) + _TASKS.c.task_uuid, _TASKS.c.due_at < now, now=now)
    return {"due_tomorrow": due, "overdue": overdue}
