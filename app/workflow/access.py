"""Who may see and complete an inbox task today: its holder, or whoever holds that role by delegation.

Delegation is applied when asked, not when the task is indexed, so a delegation that starts,
ends or is revoked later moves open tasks at once. The SQL filter (lists) and the Python check
(completion, claim) state the same rule; tests hold them together.
"""
from datetime import date

from sqlalchemy import or_, select

from app.directory.delegation import DelegationView, delegations_in_force

from .models import HumanTask, HumanTaskCandidate

# The inbox's orders ("Khẩn trước" first: the home page shows the head of that one).
INBOX_ORDERS = {
    "han": (HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id),
    "khan": (HumanTask.urgency.desc(), HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id),
    "moi": (HumanTask.created_at.desc(), HumanTask.id.desc()),
}


def _held_by(user_ids):
    offered = select(HumanTaskCandidate.task_id).where(HumanTaskCandidate.user_id.in_(user_ids))
    return HumanTask.assigned_user_id.in_(user_ids) | (
        HumanTask.assigned_user_id.is_(None) & HumanTask.id.in_(offered))


def my_tasks_query(actor, *, on: date | None = None):
    """Tasks the actor holds or may take, minus roles they handed away, plus roles handed to them."""
    view = delegations_in_force(actor, on=on)
    own = _held_by([actor.id])
    if view.handed_away:
        own = own & or_(HumanTask.candidate_role.is_(None), HumanTask.candidate_role.not_in(view.handed_away))
    clauses = [own] + [(HumanTask.candidate_role == role) & _held_by(ids) for role, ids in view.acting_for.items()]
    return select(HumanTask).where(HumanTask.agency_id == actor.agency_id, or_(*clauses))


def task_access(row: HumanTask, actor, *, on: date | None = None, view: DelegationView | None = None,
                actor_offered: bool | None = None) -> tuple[bool, int | None]:
    """Return (may act, id of the person acted for under delegation or None).

    `view` (the actor's delegations today) and `actor_offered` (the actor is among the row's candidates)
    may come from the caller's own query; what is not given is read here.
    """
    if row.agency_id != actor.agency_id:
        return False, None
    if view is None:
        view = delegations_in_force(actor, on=on)

    def holds(user_id: int) -> bool:
        if row.assigned_user_id is not None:  # the candidates are then not loaded at all
            return row.assigned_user_id == user_id
        if user_id == actor.id and actor_offered is not None:
            return actor_offered
        return any(c.user_id == user_id for c in row.candidates)

    if row.candidate_role not in view.handed_away and holds(actor.id):
        return True, None
    for delegator_id in view.acting_for.get(row.candidate_role, ()):
        if holds(delegator_id):
            return True, delegator_id
    return False, None
