"""A completion's writes go pipelined on PostgreSQL: a write the database refuses still fails the whole
completion, and rolling back leaves nothing of it."""
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.runtime import complete_task, start_instance

from .test_assign_work import DUE


def _assignment(specialist) -> dict:
    return {"work_title": "Tổng hợp báo cáo quý", "description": "Chi tiết", "assignee": specialist.username,
            "due_date": DUE}


@pytest.fixture
def inbox_refusing_reports(db):
    """A trigger refuses new inbox rows of the 'report' step, as a full disk or a broken constraint would."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pipelined writes are PostgreSQL's")
    db.session.execute(text("""
        CREATE FUNCTION refuse_report_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.spec_id = 'report' THEN RAISE EXCEPTION 'hộp thư không nhận thêm việc'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_report_rows BEFORE INSERT ON human_task
            FOR EACH ROW EXECUTE FUNCTION refuse_report_rows();"""))
    yield
    db.session.execute(text("DROP TRIGGER IF EXISTS refuse_report_rows ON human_task"))


def test_a_refused_pipelined_write_fails_the_completion_and_rolls_everything_back(
        deployed, make, db, inbox_refusing_reports):
    leader = make.user(roles=("leader",))
    specialist = make.user(agency=leader.agency)
    instance = start_instance("assign_work", actor=leader)
    row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    state_before, version_before = instance.state_json, instance.lock_version
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError) as refused:
        complete_task(row.task_uuid, _assignment(specialist), actor=leader)
    savepoint.rollback()  # what the request boundary does
    assert "hộp thư không nhận thêm việc" in str(refused.value)

    db.session.expire_all()
    stored = db.session.get(ProcessInstance, instance.id)
    assert (stored.state_json, stored.lock_version) == (state_before, version_before)
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["assign"]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before

    # The session goes on working: once the database accepts the row, the same completion goes through.
    db.session.execute(text("DROP TRIGGER refuse_report_rows ON human_task"))
    complete_task(row.task_uuid, _assignment(specialist), actor=leader)
    assert db.session.scalars(select(HumanTask.spec_id).where(HumanTask.instance_id == instance.id)).all() == ["report"]
