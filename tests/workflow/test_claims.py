"""Claim, release and reassign: audited, one winner, only the right people."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.workflow.claims import claim_task, reassign_task, release_task
from app.workflow.errors import TaskConflict, TaskForbidden, WorkflowError
from app.workflow.models import HumanTask, HumanTaskCandidate
from app.workflow.runtime import start_instance


@pytest.fixture
def group_task(make, deployed, db):
    """A giao việc first task offered to every leader of the agency (no named owner)."""
    agency = make.agency()
    leaders = [make.user(agency=agency, roles=("leader",)) for _ in range(2)]
    start_instance("assign_work", actor=leaders[0])
    row = db.session.scalars(select(HumanTask)).one()
    row.assigned_user_id = None
    row.candidates = [HumanTaskCandidate(user_id=u.id) for u in leaders]
    db.session.flush()
    return {"row": row, "leaders": leaders, "agency": agency}


def test_claim_then_release(group_task, db):
    row, (first, second) = group_task["row"], group_task["leaders"]
    claim_task(row.task_uuid, actor=first)
    assert row.assigned_user_id == first.id
    with pytest.raises(TaskConflict):
        claim_task(row.task_uuid, actor=second)
    with pytest.raises(TaskForbidden):
        release_task(row.task_uuid, actor=second)
    release_task(row.task_uuid, actor=first)
    assert row.assigned_user_id is None
    types = db.session.scalars(select(AuditEvent.event_type).order_by(AuditEvent.seq)).all()
    assert types[-2:] == ["task_claimed", "task_released"]


def test_only_candidates_claim(group_task, make):
    outsider = make.user(agency=group_task["agency"], roles=("specialist",))
    with pytest.raises(TaskForbidden):
        claim_task(group_task["row"].task_uuid, actor=outsider)


def test_a_leader_hands_a_leaders_task_only_to_a_leader_of_the_agency(group_task, make, db):
    row, (leader, second) = group_task["row"], group_task["leaders"]
    specialist = make.user(agency=group_task["agency"])
    with pytest.raises(WorkflowError):
        reassign_task(row.task_uuid, specialist, actor=leader)  # does not hold the lane's role
    with pytest.raises(WorkflowError):
        reassign_task(row.task_uuid, make.user(roles=("leader",)), actor=leader)  # another agency's leader
    with pytest.raises(TaskForbidden):
        reassign_task(row.task_uuid, leader, actor=specialist)
    reassign_task(row.task_uuid, second, actor=leader)
    assert row.assigned_user_id == second.id
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_reassigned")).one()
    assert event.data["to_user_id"] == second.id
    # Now it is the second leader's: the first may no longer take it back or hand it on.
    with pytest.raises(TaskForbidden):
        reassign_task(row.task_uuid, leader, actor=leader)


def test_a_unit_head_cannot_hand_on_a_leaders_task(group_task, make):
    row = group_task["row"]
    head = make.user(agency=group_task["agency"], roles=("unit_head",))
    with pytest.raises(TaskForbidden):
        reassign_task(row.task_uuid, group_task["leaders"][1], actor=head)
