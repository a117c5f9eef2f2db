"""Who holds a document now: the people (or the role and unit) its open tasks wait for."""
from collections import defaultdict

from sqlalchemy import bindparam, func, select

from app.directory.models import User
from app.directory.roles import ROLE_LABELS
from app.extensions import db
from app.workflow.models import HumanTask, HumanTaskCandidate

# One statement, built once: each open task with its assigned person's name, how many candidates it has
# and the name of the one when there is only one (rather than loading the tasks, users and candidates).
_ASSIGNED_NAME = select(User.full_name).where(User.id == HumanTask.assigned_user_id).scalar_subquery()
_CANDIDATE_COUNT = (select(func.count()).select_from(HumanTaskCandidate)
                    .where(HumanTaskCandidate.task_id == HumanTask.id).scalar_subquery())
_CANDIDATE_NAME = (select(func.min(User.full_name)).join(HumanTaskCandidate, HumanTaskCandidate.user_id == User.id)
                   .where(HumanTaskCandidate.task_id == HumanTask.id).scalar_subquery())
_HOLDERS = (select(HumanTask.instance_id, HumanTask.candidate_role, HumanTask.lane,
                   _ASSIGNED_NAME.label("assigned"), _CANDIDATE_COUNT.label("candidates"),
                   _CANDIDATE_NAME.label("candidate"))
            .where(HumanTask.instance_id.in_(bindparam("ids", expanding=True))).order_by(HumanTask.id))


def holders_by_instance(instance_ids) -> dict[int, list[str]]:
    """instance id → what to show under "Người đang xử lý": a named person, or the role (and unit)."""
    ids = [i for i in instance_ids if i]
    if not ids:
        return {}
    held = defaultdict(list)
    for row in db.session.execute(_HOLDERS, {"ids": ids}):
        held[row.instance_id].append(_holder(row))
    return held


def _holder(row) -> str:
    if row.assigned is not None:
        return row.assigned
    if row.candidates == 1:
        return row.candidate
    return str(ROLE_LABELS.get(row.candidate_role, row.lane or ""))
