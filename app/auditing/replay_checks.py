"""Replaying instances to check them (app.workflow.replay), keeping each outcome and auditing who checked."""
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.models import ReplayCheck
from app.audit.services import record
from app.extensions import db
from app.sqltypes import utcnow
from app.workflow.models import ProcessInstance
from app.workflow.replay import replay


def check_instance(instance: ProcessInstance, actor) -> ReplayCheck:
    result = replay(instance)
    problem = result.problem
    if problem and result.details:
        problem = f"{problem} ({'; '.join(result.details)})"
    if result.matches:
        problem = result.note  # a match's remark (a compacted history), shown after the verdict
    check = ReplayCheck(instance_id=instance.id, checked_at=utcnow(), checked_by_id=actor.id if actor else None,
                        matches=result.matches, events=result.events, divergent_seq=result.divergent_seq,
                        problem=problem[:2000] if problem else None)
    db.session.add(check)
    record("instance_replayed", actor=actor, subject=instance, agency_id=instance.agency_id,
           instance_id=instance.id, matches=result.matches, events=result.events,
           divergent_seq=result.divergent_seq, **({"compacted_seq": result.compacted_seq} if result.compacted_seq else {}))
    return check


def verdict_text(check: ReplayCheck, step: int | None = None) -> str:
    """The replay's verdict; `step` is the divergent event's number in the history page's list."""
    if check.matches:
        verdict = _("Khớp: %(n)s sự kiện phát lại đúng như nhật ký.", n=check.events)
        return f"{verdict} {check.problem}" if check.problem else verdict
    where = _("sự kiện số %(seq)s", seq=check.divergent_seq) if check.divergent_seq else _("trạng thái đang lưu")
    if step is not None:
        where = _("bước %(step)s (sự kiện số %(seq)s của nhật ký)", step=step, seq=check.divergent_seq)
    return _("Không khớp tại %(where)s: %(problem)s", where=where, problem=check.problem or "")


def latest_checks_subquery():
    """(instance_id, matches) of each instance's latest replay check."""
    latest = (select(ReplayCheck.instance_id, func.max(ReplayCheck.id).label("check_id"))
              .group_by(ReplayCheck.instance_id).subquery())
    return (select(ReplayCheck.instance_id, ReplayCheck.matches)
            .join(latest, latest.c.check_id == ReplayCheck.id).subquery())
