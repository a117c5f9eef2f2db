"""The one front door for notices: notify() and the notices' reading and marking read.

A notice is written by INSERT … ON CONFLICT DO NOTHING, never an ORM add: an event told twice (the same
dedupe key for the same person) is silently kept once, and a duplicate never fails the transaction of
the event that caused it. Nobody is told of what they did themselves.
"""
from functools import cache

from sqlalchemy import Integer, String, bindparam, func, literal, select, update

from app.database import CONFLICT_INSERTS, built_once, conflict_insert
from app.extensions import db
from app.sqltypes import UtcDateTime, utcnow
from app.workflow.models import HumanTask, HumanTaskCandidate

from .models import NEW_TASK, Notification

_NOTICES = Notification.__table__
NOTE_LIMIT = 500


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def notice_insert():
    """INSERT into the notices, in the dialect that can say ON CONFLICT DO NOTHING."""
    return conflict_insert(_NOTICES)


def notify(user_id: int | None, kind: str, *, document_id: int | None = None, task_uuid: str | None = None,
           actor=None, note: str = "", dedupe_key: str | None = None) -> None:
    """Tell one person of an event (flushing nothing else); a repeated dedupe key for them is ignored."""
    if user_id is None or (actor is not None and actor.id == user_id):
        return
    statement = notice_insert().values(
        user_id=user_id, kind=kind, document_id=document_id, task_uuid=task_uuid,
        actor_id=actor.id if actor is not None else None, note=(note or "")[:NOTE_LIMIT],
        dedupe_key=dedupe_key[:120] if dedupe_key else None, created_at=utcnow()).on_conflict_do_nothing()
    db.session.execute(statement)


def subject_document_id(subject_type, subject_id) -> int | None:
    """The document a task or case is about, from the subject its instance names."""
    text = str(subject_id or "")
    return int(text) if subject_type == "document" and text.isdigit() else None


def notify_people(user_ids, kind: str, **details) -> None:
    for user_id in sorted(set(user_ids) - {None}):
        notify(user_id, kind, **details)


def task_people(instance_id: int) -> set[int]:
    """Who the instance's open tasks wait for: each holder, or an unheld task's candidates."""
    held = db.session.execute(select(HumanTask.id, HumanTask.assigned_user_id)
                              .where(HumanTask.instance_id == instance_id)).all()
    people = {user_id for _id, user_id in held if user_id is not None}
    unheld = [task_id for task_id, user_id in held if user_id is None]
    if unheld:
        people.update(db.session.scalars(select(HumanTaskCandidate.user_id)
                                         .where(HumanTaskCandidate.task_id.in_(unheld))))
    return people


@cache
def _new_task_notice(dialect: str):
    """INSERT … SELECT of a "new task" notice for the holder of a fresh inbox row, when it has one: the
    database resolved the holder inside the row's own INSERT, so nobody waits for it to be read back."""
    tasks = HumanTask.__table__
    chosen = select(tasks.c.assigned_user_id, literal(NEW_TASK, String), bindparam("document_id", type_=Integer),
                    tasks.c.task_uuid, literal("", String), literal(f"{NEW_TASK}:", String) + tasks.c.task_uuid,
                    bindparam("created_at", type_=UtcDateTime())).where(
        tasks.c.task_uuid == bindparam("task_uuid"), tasks.c.assigned_user_id.is_not(None),
        # Ids start at 1: a step without an actor (a timer) excludes nobody.
        tasks.c.assigned_user_id != func.coalesce(bindparam("actor_id", type_=Integer), 0))
    return built_once(CONFLICT_INSERTS[dialect](_NOTICES).inline().from_select(
        ["user_id", "kind", "document_id", "task_uuid", "note", "dedupe_key", "created_at"], chosen
    ).on_conflict_do_nothing())


def notify_new_task_holder(task_uuid: str, *, document_id: int | None, actor_id: int | None) -> None:
    """Tell the person a just-written inbox row is held by (named owners) that the task is theirs, unless
    they are the actor whose step made it."""
    db.session.execute(_new_task_notice(_dialect()), {"task_uuid": task_uuid, "document_id": document_id,
                                                      "actor_id": actor_id, "created_at": utcnow()})


def unread_count(user) -> int:
    """One COUNT on the (user, created) index: the navbar's bell."""
    return db.session.scalar(select(func.count()).select_from(_NOTICES).where(
        _NOTICES.c.user_id == user.id, _NOTICES.c.read_at.is_(None))) or 0


def my_notices(actor):
    """The actor's notices, newest first (a select to paginate)."""
    return (select(Notification).where(Notification.user_id == actor.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def open_notice(notice_id: int, *, actor) -> Notification | None:
    """The actor's own notice, marked read (None for anyone else's: they are told it does not exist)."""
    notice = db.session.scalars(select(Notification).where(Notification.id == notice_id,
                                                           Notification.user_id == actor.id)).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = utcnow()
        db.session.flush()
    return notice


def mark_all_read(*, actor) -> int:
    """Mark every unread notice of the actor read; return how many."""
    marked = db.session.execute(update(_NOTICES).where(_NOTICES.c.user_id == actor.id, _NOTICES.c.read_at.is_(None))
                                .values(read_at=utcnow()).returning(_NOTICES.c.id))
    return len(marked.all())
