"""Delegation moves open tasks to the delegate at once, and the audit records on whose behalf."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.directory.delegation import create_delegation, revoke_delegation
from app.vietnam_time import vietnam_today
from app.workflow.access import my_tasks_query, task_access
from app.workflow.errors import TaskForbidden
from app.workflow.models import HumanTask, HumanTaskCandidate
from app.workflow.runtime import complete_task, start_instance

TODAY = vietnam_today()


def _visible(db, user):
    return db.session.scalars(my_tasks_query(user)).all()


@pytest.fixture
def leader_task(make, deployed, db):
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",), full_name="Trần Văn Trưởng")
    deputy = make.user(agency=agency, roles=("specialist",), full_name="Mai Thị Phó")
    start_instance("assign_work", actor=leader)
    row = db.session.scalars(select(HumanTask)).one()
    return {"agency": agency, "leader": leader, "deputy": deputy, "row": row}


def test_delegation_made_after_the_task_moves_it(leader_task, db, make):
    leader, deputy, row = leader_task["leader"], leader_task["deputy"], leader_task["row"]
    assert _visible(db, leader) == [row] and _visible(db, deputy) == []
    delegation = create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                                   starts_on=TODAY, ends_on=TODAY + timedelta(days=2))
    assert _visible(db, leader) == [] and _visible(db, deputy) == [row]
    assert task_access(row, deputy) == (True, leader.id)
    assert task_access(row, leader) == (False, None)
    with pytest.raises(TaskForbidden):
        complete_task(row.task_uuid, {}, actor=leader)
    revoke_delegation(delegation, actor=leader)
    assert _visible(db, leader) == [row] and _visible(db, deputy) == []


def test_future_delegation_applies_only_in_its_range(leader_task, db):
    leader, deputy, row = leader_task["leader"], leader_task["deputy"], leader_task["row"]
    create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                      starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=3))
    assert _visible(db, deputy) == []
    assert db.session.scalars(my_tasks_query(deputy, on=TODAY + timedelta(days=2))).all() == [row]


def test_delegate_completes_on_behalf_of_the_leader(leader_task, db):
    leader, deputy, row = leader_task["leader"], leader_task["deputy"], leader_task["row"]
    create_delegation(actor=leader, delegator=leader, delegate=deputy, role="leader",
                      starts_on=TODAY, ends_on=TODAY)
    complete_task(row.task_uuid, {"work_title": "Chuẩn bị họp", "description": "…", "assignee": deputy.username,
                                  "due_date": (TODAY + timedelta(days=2)).isoformat()}, actor=deputy)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_completed")).one()
    assert event.actor_id == deputy.id and event.on_behalf_of_id == leader.id


def test_role_group_tasks_follow_delegation_too(make, deployed, db):
    agency = make.agency()
    leaders = [make.user(agency=agency, roles=("leader",)) for _ in range(2)]
    deputy = make.user(agency=agency)
    start_instance("assign_work", actor=leaders[0])
    row = db.session.scalars(select(HumanTask)).one()
    row.assigned_user_id = None
    row.candidates = [HumanTaskCandidate(user_id=u.id) for u in leaders]
    db.session.flush()
    create_delegation(actor=leaders[1], delegator=leaders[1], delegate=deputy, role="leader",
                      starts_on=TODAY, ends_on=TODAY)
    assert _visible(db, deputy) == [row] and _visible(db, leaders[0]) == [row] and _visible(db, leaders[1]) == []
