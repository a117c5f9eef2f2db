"""Stepping through a case: the diagram of its pinned version, and what was done, waiting and cancelled,
with the data, right after each recorded event (rebuilt by replay, so a doctored record ends the walk)."""
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task, start_instance
from app.workflow.walkthrough import step_through

from ..documents.conftest import bring_in, office  # noqa: F401  (fixtures)

DUE = (vietnam_today() + timedelta(days=5)).isoformat()


@pytest.fixture
def worked_case(deployed, make, db):
    """Giao việc: assigned, reported, returned for rework (the report step waits again)."""
    agency = make.agency()
    leader = make.user(agency=agency, roles=("leader",))
    specialist = make.user(agency=agency, roles=("specialist",))
    instance = start_instance("assign_work", actor=leader)

    def task(spec_id):
        return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.spec_id == spec_id)).one()

    complete_task(task("assign").task_uuid, {"work_title": "Rà soát thủ tục", "description": "Toàn bộ",
                                             "assignee": specialist.username, "due_date": DUE}, actor=leader)
    complete_task(task("report").task_uuid, {"report_kind": "finished", "progress_note": "Đã xong"},
                  actor=specialist)
    complete_task(task("review").task_uuid, {"review_decision": "rework", "review_comment": "Bổ sung"},
                  actor=leader)
    return instance


def test_each_event_shows_what_was_done_and_what_waits(app, db, worked_case):
    with app.test_request_context():
        snapshots, walk = step_through(worked_case)
    assert walk.matches and [s.seq for s in snapshots] == sorted(s.seq for s in snapshots)
    started, assigned, reported, returned = snapshots
    assert "assign" in started.active and "assign" not in started.completed
    assert "assign" in assigned.completed and "report" in assigned.active
    assert assigned.data["work_title"] == "Rà soát thủ tục" and "work_title" in assigned.changed
    assert "review" in reported.active and "report" in reported.completed
    # The rework sends the report step back: it waits again, and the review is done.
    assert "report" in returned.active and "report" not in returned.completed and "review" in returned.completed
    assert returned.data["review_comment"] == "Bổ sung" and returned.changed == ["review_comment", "review_decision"]
    # The report's deadline timers were cancelled when the report was done, then wait again with the rework.
    assert {"remind_before_deadline", "deadline_passed"} <= set(returned.active)


def test_a_doctored_record_ends_the_walk_where_it_stops_matching(app, db, worked_case):
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.event_type == "task_completed", AuditEvent.data["task_spec"].as_string() == "report")).one()
    changed = json.loads(json.dumps(event.data))
    changed["data"]["report_kind"] = "extension"
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(data=changed))
    db.session.expire_all()
    with app.test_request_context():
        snapshots, walk = step_through(worked_case)
    assert not walk.matches and walk.divergent_seq == event.seq
    assert len(snapshots) == 2 and snapshots[-1].seq < event.seq  # the start and the assignment, no further


def test_the_history_page_carries_the_diagram_and_the_steps(app, db, make, worked_case, login, client):
    auditor = make.user(roles=("auditor",), province_wide=True)
    db.session.commit()
    login(auditor)
    page = client.get(f"/kiem-toan/ho-so/{worked_case.id}").get_data(as_text=True)
    steps = json.loads(re.search(r'<script type="application/json" id="step-snapshots">(.*?)</script>', page,
                                 re.S).group(1))
    assert len(steps) == 4 and "report" in steps[-1]["active"]
    assert page.count('data-step="') >= 4 and "Xem sơ đồ và dữ liệu sau bước 2" in page
    diagram = client.get(f"/kiem-toan/ho-so/{worked_case.id}/so-do.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/xml"
    assert b'bpmnElement="report"' in diagram.data and b"BPMNEdge" in diagram.data


def test_an_auditor_of_another_agency_gets_neither_page_nor_diagram(app, db, make, worked_case, login, client):
    elsewhere = make.user(agency=make.agency(), roles=("auditor",))
    db.session.commit()
    login(elsewhere)
    assert client.get(f"/kiem-toan/ho-so/{worked_case.id}").status_code == 404
    assert client.get(f"/kiem-toan/ho-so/{worked_case.id}/so-do.bpmn").status_code == 404


def test_an_auditor_finds_documents_by_number_within_their_scope(app, db, make, office, bring_in, login,  # noqa: F811
                                                                 client):
    document = bring_in(office, number="77", notation="QĐ-UBND").document
    other_agency = make.agency()
    province = make.user(roles=("auditor",), province_wide=True)
    elsewhere = make.user(agency=other_agency, roles=("auditor",))
    db.session.commit()
    login(province)
    page = client.get("/kiem-toan?so=77/qđ-ubnd").get_data(as_text=True)
    assert "77/QĐ-UBND" in page and f"/kiem-toan/ho-so/{document.instance_id}" in page
    assert "77/QĐ-UBND" not in client.get("/kiem-toan?so=78/QĐ-UBND").get_data(as_text=True)
    with app.test_request_context():
        from app.auditing.views import documents_numbered

        assert documents_numbered("77/QĐ-UBND", elsewhere) == []  # another agency's auditor sees nothing
