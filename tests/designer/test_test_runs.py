"""Test runs play a draft through its real forms in a sandbox: the path shows on the diagram, the service
tasks answer with samples, and not one row of a real table changes."""
import html
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.designer import drafts, test_runs
from app.designer.drafts import DesignError
from app.extensions import db as _db
from app.workflow.task_pages import picker_choices

from ..conftest import csrf_token_from
from . import bpmn_edits
from .test_publishing import CONSULT_FORM, CONSULT_UI

SANDBOX_TABLES = {"process_test_run", "process_draft"}


def _real_rows(db) -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in _db.metadata.sorted_tables if t.name not in SANDBOX_TABLES}


def _play(run, element, **values):
    task = next(t for t in run.ready if t["element"] == element)
    choices = picker_choices(test_runs.task_form(run, task), run.started_by)
    try:
        test_runs.complete_test_step(run, task["id"], MultiDict(values), choices)
    except test_runs.StepRefused as refused:
        refused.add_note(repr(refused.errors))
        raise


def test_a_test_run_follows_the_draft_and_leaves_no_trace_in_real_tables(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("incoming_document", actor=designer)
        drafts.save_form("incoming_document", "incoming_document/consult_legal.schema.json", CONSULT_FORM, CONSULT_UI,
                         actor=designer, lock_version=draft.lock_version)
        drafts.save_diagram("incoming_document", bpmn_edits.insert_step_after(
            draft.bpmn_xml, "register", "consult_legal", "Xin ý kiến pháp chế", "lane_clerk",
            "incoming_document/consult_legal.schema.json"), actor=designer, lock_version=draft.lock_version)
        before = _real_rows(db)
        run = test_runs.start_test_run("incoming_document", actor=designer,
                                       start_data='{"document_id": 0, "origin": "paper", "secrecy": 0}')
        assert [t["element"] for t in run.ready] == ["register"] and run.ready[0]["lane"] == "Văn thư"
        _play(run, "register", route="leader")
        assert [t["element"] for t in run.ready] == ["consult_legal"]  # the draft's new step
        with pytest.raises(test_runs.StepRefused) as refused:
            _play(run, "consult_legal")  # the real form's rules apply
        assert "legal_opinion" in refused.value.errors
        _play(run, "consult_legal", legal_opinion="Không vướng mắc pháp lý")
        assert [t["element"] for t in run.ready] == ["assign"]
        last = run.steps[-1]
        assert [c["operator"] for c in last["service_calls"]] == ["documents.register"]  # answered by its sample
        assert {"register", "consult_legal"} <= set(last["completed"]) and "assign" in last["active"]
        assert last["data"]["legal_opinion"] == "Không vướng mắc pháp lý" and "legal_opinion" in last["changed"]
        db.session.flush()
        assert _real_rows(db) == before  # no instance, inbox row, document, number or audit event


def test_a_draft_with_problems_cannot_be_test_run_and_start_data_must_be_json(app, db, deployed, designer):
    with app.test_request_context():
        draft = drafts.open_draft("assign_work", actor=designer)
        drafts.save_diagram("assign_work", bpmn_edits.add_second_flow(draft.bpmn_xml, "assign", "review"),
                            actor=designer, lock_version=draft.lock_version)
        with pytest.raises(DesignError, match="còn 1 lỗi"):
            test_runs.start_test_run("assign_work", actor=designer, start_data="{}")
        with pytest.raises(DesignError, match="không phải JSON hợp lệ"):
            test_runs.start_test_run("incoming_document", actor=designer, start_data="{oops")


def test_timers_fire_when_the_designer_asks(app, db, deployed, designer):
    with app.test_request_context():
        run = test_runs.start_test_run("assign_work", actor=designer, start_data="{}")
        _play(run, "assign", work_title="Rà soát", description="…", assignee=designer.username,
              due_date="05/01/2099")
        assert "deadline_passed" in run.timers
        test_runs.fire_test_timer(run, "deadline_passed")
        assert "mark_overdue" in run.steps[-1]["completed"] and run.steps[-1]["data"].get("overdue") is True


def test_the_test_run_pages_play_a_step(app, db, deployed, designer, login, client, make):
    db.session.commit()
    login(designer)
    page = client.get("/thiet-ke/incoming_document/chay-thu").get_data(as_text=True)
    assert '"origin": "paper"' in html.unescape(page)
    started = client.post("/thiet-ke/incoming_document/chay-thu", data={
        "csrf_token": csrf_token_from(page), "data": '{"document_id": 0, "origin": "paper"}'})
    assert started.status_code == 302
    run_page = client.get(started.location).get_data(as_text=True)
    print(run_page[-3000:]);     task_id = re.search(r'name="task_id" value="([^"]+)"', run_page).group(1)
    played = client.post(started.location, data={"csrf_token": csrf_token_from(run_page), "task_id": task_id,
                                                  "route": "leader"}, follow_redirects=True)
    text = played.get_data(as_text=True)
    assert "Phân công xử lý" in text and "documents.register" in text and "không gọi thật" in text
    run_id = int(started.location.rstrip("/").rsplit("/", 1)[-1])
    other = make.user(roles=("designer",), province_wide=True)
    assert test_runs.open_test_run(run_id, actor=other) is None  # one designer's run is not another's


def test_the_outgoing_process_runs_to_its_end_with_signatures_simulated(app, db, deployed, make):
    agency = make.agency()
    designer = make.user(agency=agency, roles=("designer",), province_wide=True)
    signer = make.user(agency=agency, roles=("leader",))
    with app.test_request_context():
        before = _real_rows(db)
        run = test_runs.start_test_run("outgoing_document", actor=designer, start_data="")
        _play(run, "draft", doc_type="CV", subject="Về việc chạy thử quy trình", body="Nội dung thử.",
              signer=signer.username, authority="")
        _play(run, "review_content", decision="approve")
        _play(run, "check_format", decision="approve")
        _play(run, "sign", decision="sign")
        _play(run, "issue")
        assert run.status == "finished" and run.ready == []
        operators = [c["operator"] for step in run.steps for c in step["service_calls"]]
        assert operators[0] == "outgoing.save_draft" and operators[-1] == "outgoing.release"
        assert run.steps[-2]["data"]["signature_result"]["simulated"] is True
        db.session.flush()
        assert _real_rows(db) == before  # nothing numbered, signed or released for real
