"""An administrator retries a failed instance: it fails again while broken, runs once repaired."""
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.jobs.timers import fire_due_timers
from app.workflow.errors import ProcessFailed, TaskForbidden, WorkflowError
from app.workflow.recovery import retry_instance
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting import today as vn_today
from app.workflow.scripting_runtime import work_calendar

from ..conftest import csrf_token_from
from .test_timers import SECOND, _assign, _branch_data, _utc


@pytest.fixture
def failed(make, deployed, db, engine_clock):
    agency = make.agency()
    office = {"leader": make.user(agency=agency, roles=("leader",)),
              "specialist": make.user(agency=agency, roles=("specialist",)),
              "admin": make.user(agency=agency, roles=("admin",))}
    due = work_calendar().add_working_days(vn_today(), 3)
    instance = _assign(db, office, due)
    good_state = instance.state_json
    instance.state_json = '{"tasks": "not a task tree"}'
    db.session.commit()
    moment = _utc(iso_end_of_day(due)) + SECOND
    engine_clock(moment)
    fire_due_timers(moment)
    db.session.refresh(instance)
    assert instance.status == "error"
    return {"instance": instance, "good_state": good_state, "office": office}


def test_retry_fails_while_broken_and_runs_once_repaired(failed, db, make):
    instance, admin = failed["instance"], failed["office"]["admin"]
    with pytest.raises(TaskForbidden):
        retry_instance(instance.id, actor=failed["office"]["leader"])
    with pytest.raises(WorkflowError):
        retry_instance(instance.id, actor=make.user(roles=("admin",)))  # another agency's admin
    savepoint = db.session.begin_nested()
    with pytest.raises(ProcessFailed):
        retry_instance(instance.id, actor=admin)
    savepoint.rollback()
    db.session.refresh(instance)
    assert instance.status == "error"

    instance.state_json = failed["good_state"]  # the cause is repaired
    db.session.flush()
    fired = retry_instance(instance.id, actor=admin)
    assert fired and instance.status == "running" and instance.error_message is None
    assert _branch_data(instance) == {"reminded": True, "overdue": True}
    retried = db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == "instance_retried")).one()
    assert retried.actor_id == admin.id and retried.data["previous_error"]


def test_failed_instances_page(failed, client, login):
    login(failed["office"]["admin"])
    page = client.get("/quan-tri/ho-so-loi").get_data(as_text=True)
    assert f"#{failed['instance'].id}" in page and "Chạy lại" in page
    # Administrators read no document contents, and a case's title carries its document's subject.
    assert failed["instance"].title and failed["instance"].title not in page
    response = client.post(f"/quan-tri/ho-so-loi/{failed['instance'].id}/chay-lai",
                           data={"csrf_token": csrf_token_from(page)}, follow_redirects=True)
    assert "Chạy lại không thành công" in response.get_data(as_text=True)
