"""A status package over the axis tells the outgoing document's drafter (once per package); a leader's
reassignment tells the new holder."""
from app.notifications.models import NEW_TASK, STATUS_RECEIVED
from app.workflow.claims import reassign_task

from ..exchange.test_status_receipt import AT, make_outgoing, receive, status
from .test_events import handled_by_specialist


def test_an_axis_status_tells_the_drafter_once(app, db, make, notices):
    document, draft = make_outgoing(db, make)
    drafter = make.user(agency=document.agency, roles=("specialist",))
    draft.drafter_id = drafter.id
    db.session.flush()
    receive(app, status("01", AT))  # an arrival is not worth a notice
    assert notices(kind=STATUS_RECEIVED) == []
    data = status("06", AT)
    receive(app, data)
    receive(app, data)  # the same package again: kept once, told once
    assert notices(kind=STATUS_RECEIVED) == [(drafter.id, STATUS_RECEIVED, document.id)]


def test_a_reassigned_task_tells_its_new_holder(office, bring_in, db, make, notices):
    document = bring_in(office).document
    handle = handled_by_specialist(db, office, document)
    newcomer = make.user(agency=office.agency, roles=("specialist",), department_id=office.units[0][0].id)
    reassign_task(handle.task_uuid, newcomer, actor=office.leader)
    assert [row for row in notices(kind=NEW_TASK) if row[0] == newcomer.id] == [(newcomer.id, NEW_TASK, document.id)]
    assert len(notices(kind=NEW_TASK)) == 2  # the first holder's, and the newcomer's
