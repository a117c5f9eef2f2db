"""Who holds a document now: the people (or the role and unit) its open tasks wait for."""
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.directory.roles import ROLE_LABELS
from app.extensions import db
from app.workflow.models import HumanTask, HumanTaskCandidate


def holders_by_instance(instance_ids) -> dict[int, list[str]]:
    """instance id → what to show under "Người đang xử lý": a named person, or the role (and unit)."""
    ids = [i for i in instance_ids if i]
    if not ids:
        return {}
    rows = db.session.scalars(select(HumanTask).where(HumanTask.instance_id.in_(ids))
                              .options(selectinload(HumanTask.assigned_user),
                                       selectinload(HumanTask.candidates).selectinload(HumanTaskCandidate.user))
                              .order_by(HumanTask.id))
    held = defaultdict(list)
    for row in rows:
        held[row.instance_id].append(_holder(row))
    return held


def _holder(row: HumanTask) -> str:
    if row.assigned_user is not None:
        return row.assigned_user.full_name
    if len(row.candidates) == 1:
        return row.candidates[0].user.full_name
    return str(ROLE_LABELS.get(row.candidate_role, row.lane or ""))
