"""Each event tells exactly the right people: new task, deadline sweep, returned draft, statuses, recall."""
from datetime import timedelta

from sqlalchemy import select, update

from app.notifications.deadlines import sweep_task_deadlines
from app.notifications.models import (
    DRAFT_RETURNED,
    DUE_TOMORROW,
    NEW_TASK,
    OVERDUE,
    RECALL_REQUESTED,
    STATUS_RECEIVED,
    Notification,
)
from app.notifications.services import notify
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task
from app.workflow.scripting_runtime import work_calendar

from ..documents.outgoing_setup import approve_reviews, issue, make_sender, sign, start_draft, task_of


def _task(db, document, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def handled_by_specialist(db, office, document, due=None):
    """Register, assign to the first unit, dispatch to its specialist: the handle task is theirs."""
    unit, head, specialist = office.units[0]
    complete_task(_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    data = {"lead_department_id": unit.id}
    if due is not None:
        data["due_date"] = due.isoformat()
    complete_task(_task(db, document, "assign").task_uuid, data, actor=office.leader)
    complete_task(_task(db, document, "dispatch_lead").task_uuid, {"specialist": specialist.username}, actor=head)
    return _task(db, document, "handle")


def test_a_task_given_to_a_person_tells_that_person_once(office, bring_in, db, notices):
    document = bring_in(office).document
    handle = handled_by_specialist(db, office, document)
    specialist = office.units[0][2]
    assert notices(kind=NEW_TASK) == [(specialist.id, NEW_TASK, document.id)]
    assert notices(task_uuid=handle.task_uuid) == [(specialist.id, NEW_TASK, document.id)]
    # Told twice (a repeated key) is kept once, and the caller's transaction goes on.
    notify(specialist.id, NEW_TASK, task_uuid=handle.task_uuid, document_id=document.id,
           dedupe_key=f"{NEW_TASK}:{handle.task_uuid}")
    db.session.flush()
    assert len(notices(kind=NEW_TASK)) == 1


def test_the_sweep_tells_a_deadline_once_and_overdue_once(office, bring_in, db, notices):
    document = bring_in(office).document
    due = work_calendar().next_working_day(vietnam_today())
    handle = handled_by_specialist(db, office, document, due=due)
    specialist = office.units[0][2]
    assert sweep_task_deadlines() == {"due_tomorrow": 1, "overdue": 0}
    assert sweep_task_deadlines() == {"due_tomorrow": 0, "overdue": 0}
    assert notices(kind=DUE_TOMORROW) == [(specialist.id, DUE_TOMORROW, document.id)]
    key = db.session.scalars(select(Notification.dedupe_key).where(Notification.kind == DUE_TOMORROW)).one()
    assert key == f"{DUE_TOMORROW}:{handle.task_uuid}:{handle.due_at:%Y-%m-%d}"  # the deadline's day names it
    late = handle.due_at + timedelta(hours=1)
    assert sweep_task_deadlines(late)["overdue"] == 1
    assert sweep_task_deadlines(late + timedelta(days=1))["overdue"] == 0
    assert notices(kind=OVERDUE) == [(specialist.id, OVERDUE, document.id)]
    # An unheld task (the clerk's register step of another document) tells nobody.
    other = bring_in(office, number="9").document
    db.session.execute(update(HumanTask).where(HumanTask.instance_id == other.instance_id)
                       .values(due_at=utcnow() - timedelta(days=1), assigned_user_id=None))
    assert sweep_task_deadlines(late)["overdue"] == 0


def test_a_returned_draft_tells_its_drafter(app, db, make, deployed, notices):
    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    with app.test_request_context():
        complete_task(task_of(db, instance_id, "review_content").task_uuid,
                      {"decision": "return", "comment": "Bổ sung thời hạn."}, actor=sender.unit_head)
    returned = notices(kind=DRAFT_RETURNED)
    assert [(user, kind) for user, kind, _doc in returned] == [(sender.specialist.id, DRAFT_RETURNED)]


def test_recipients_statuses_and_a_recall_tell_the_right_people(app, db, make, deployed, notices):
    from app.documents.models import Document
    from app.documents.outgoing.recall import request_recall

    sender = make_sender(app, make)
    instance_id = start_draft(app, db, sender)
    approve_reviews(app, db, sender, instance_id)
    sign(app, db, sender, instance_id)
    issue(app, db, sender, instance_id)
    document = db.session.scalars(select(Document).where(Document.instance_id == instance_id)).one()
    copy = db.session.scalars(select(Document).where(Document.source_document_id == document.id)).one()
    assert notices(kind=STATUS_RECEIVED) == []  # the copy's arrival (01) is not worth a notice
    with app.test_request_context():
        register = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == copy.instance_id)).one()
        complete_task(register.task_uuid, {"receive_decision": "accept"}, actor=sender.recipient_clerk)
        register = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == copy.instance_id)).one()
        complete_task(register.task_uuid, {"route": "leader"}, actor=sender.recipient_clerk)  # registered: 03
    told = {user for user, _kind, doc in notices(kind=STATUS_RECEIVED) if doc == document.id}
    assert told == {sender.specialist.id, sender.clerk.id}  # drafter and releasing clerk
    assert len(notices(kind=STATUS_RECEIVED)) == 2
    with app.test_request_context():
        assert request_recall(document, actor=sender.clerk, reason="Sai số liệu") == 1
    assert notices(kind=RECALL_REQUESTED) == [(sender.recipient_clerk.id, RECALL_REQUESTED, copy.id)]
