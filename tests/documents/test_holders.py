"""Who holds a document now: a named person, the only candidate, or the role the task waits for."""
from sqlalchemy import select

from app.documents.holders import holders_by_instance
from app.workflow.models import HumanTask

from .conftest import bring_in, office  # noqa: F401  (fixtures)


def test_the_holder_is_the_assigned_person_the_only_candidate_or_the_role(office, bring_in, make, db):  # noqa: F811
    typed_in = bring_in(office).document.instance_id  # the clerk who typed it registers it
    make.user(agency=office.agency, roles=("clerk",))
    delivered = bring_in(office, actor=None, origin="internal").document.instance_id  # to every clerk
    assert holders_by_instance([typed_in, delivered, None]) == {typed_in: [office.clerk.full_name],
                                                                delivered: ["Văn thư"]}
    task = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == delivered)).one()
    task.assigned_user_id = office.leader.id
    db.session.flush()
    assert holders_by_instance([delivered]) == {delivered: [office.leader.full_name]}
    assert holders_by_instance([None]) == {}
