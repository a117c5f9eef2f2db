"""Time task completions of giao việc through the service layer and with bare SpiffWorkflow.

Usage: .venv/bin/python bench/engine.py [--instances N] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it
at a database of its own (createdb -h 127.0.0.1 -U postgres bench), never at one a test run uses.

Service: each completion is `complete_task(...)` + `db.session.commit()` in a request context with
its own session (lock, load, step, save, inbox and timer index, audit event). Bare: the same
completion as a plain SpiffWorkflow application does it on its stored JSON (spec included):
deserialize_json, find the ready task, run, do_engine_steps, serialize_json — with our serializer
and script engine.
Service and bare instances alternate, so both see the same machine.
Targets: service median at most 3× bare; state under 10 KB after 10 completions.
"""
import argparse
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from fresh_database import database_urls, fresh_app
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, func, select

from app.auth.passwords import hash_password
from app.auth.services import start_session
from app.auth.session import load_session_user
from app.directory.models import Agency, User
from app.extensions import db
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.engine import new_workflow, specs_from_json, workflow_serializer
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task, start_instance
from app.workflow.scripting_runtime import script_engine_for

LEADER, SPECIALIST = "bench.lanhdao", "bench.chuyenvien"
SESSION_KEYS: dict[int, str] = {}
STATE_LIMIT, RATIO_LIMIT = 10_000, 3.0


def _path() -> list[tuple[str, str, dict]]:
    """Eleven completions: (task spec, who, submitted data); the state is measured after ten."""
    due = (date.today() + timedelta(days=5)).isoformat()
    later = (date.today() + timedelta(days=12)).isoformat()
    latest = (date.today() + timedelta(days=20)).isoformat()
    extension = {"report_kind": "extension", "progress_note": "Cần thêm thời gian để tổng hợp"}
    finished = {"report_kind": "finished", "progress_note": "Đã hoàn thành, gửi kèm số liệu"}
    return [
        ("assign", LEADER, {"work_title": "Tổng hợp báo cáo quý", "description": "Số liệu các phòng",
                            "assignee": SPECIALIST, "due_date": due}),
        ("report", SPECIALIST, {**extension, "requested_due_date": later}),
        ("decide_extension", LEADER, {"extension_granted": True, "new_due_date": later}),
        ("report", SPECIALIST, finished),
        ("review", LEADER, {"review_decision": "rework", "review_comment": "Bổ sung số liệu quý trước"}),
        ("report", SPECIALIST, {**extension, "requested_due_date": latest}),
        ("decide_extension", LEADER, {"extension_granted": True, "new_due_date": latest}),
        ("report", SPECIALIST, finished),
        ("review", LEADER, {"review_decision": "rework", "review_comment": "Sửa phần kết luận"}),
        ("report", SPECIALIST, finished),
        ("review", LEADER, {"review_decision": "accept"}),
    ]


class StatementCounter:
    """Count the SQL statements sent while `counting` is set."""

    def __init__(self, engine):
        self.counting, self.count = False, 0
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args):
        if self.counting:
            self.count += 1


@dataclass
class Run:
    """The measured completions of one backend."""

    service: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    states: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    bare_sizes: list[int] = field(default_factory=list)
    statements: int = 0


@contextmanager
def _request(app):
    """A request as the app serves it: its own app context, so its own session, removed at the end."""
    with app.app_context(), app.test_request_context():
        yield


def _setup(app):
    """One agency, a leader and a specialist, the catalogue deployed; what the bare run needs."""
    with _request(app):
        agency = Agency(code="000.00.99.B01", name="Cơ quan đo hiệu năng", short_name="CQĐO",
                        kind="department")
        password_hash = hash_password("Mat-khau-bench-2026")
        users = {}
        for username, full_name, role in ((LEADER, "Trần Lãnh Đạo", "leader"),
                                          (SPECIALIST, "Lê Chuyên Viên", "specialist")):
            user = User(agency=agency, username=username, full_name=full_name, password_hash=password_hash)
            user.set_roles([role])
            db.session.add(user)
            users[username] = user
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == [], report.problems
        db.session.commit()
        user_ids = {name: user.id for name, user in users.items()}
        # A signed-in browser per person: the request's user is loaded through its session row.
        SESSION_KEYS.update({user.id: start_session(user, max_age=timedelta(days=1)) for user in users.values()})
        db.session.commit()
        version = latest_version("assign_work")
        bare_context = {"spec_json": version.spec_json, "engine": script_engine_for(None, None)}
        counter = StatementCounter(db.engine)
    return user_ids, bare_context, counter


def _service_instance(app, user_ids, counter, path, run: Run) -> None:
    with _request(app):
        leader = db.session.get(User, user_ids[LEADER])
        instance_id = start_instance("assign_work", actor=leader).id
        db.session.commit()
    for number, (spec_id, who, data) in enumerate(path, 1):
        with _request(app):
            # What a request does before the service: the login loads the user, the page names the task.
            actor = load_session_user(user_ids[who], SESSION_KEYS[user_ids[who]])
            task_uuid, ready_spec = db.session.execute(select(HumanTask.task_uuid, HumanTask.spec_id)
                                                       .where(HumanTask.instance_id == instance_id)).one()
            assert ready_spec == spec_id, (ready_spec, spec_id)
            counter.counting, counter.count = True, 0
            started = time.perf_counter()
            complete_task(task_uuid, dict(data), actor=actor)
            db.session.commit()
            run.service.append(time.perf_counter() - started)
            counter.counting = False
            run.statements += counter.count
            # The bytes the database stores (compressed), not the JSON they decompress to.
            stored_size, status = db.session.execute(
                select(func.length(ProcessInstance.state_json), ProcessInstance.status)
                .where(ProcessInstance.id == instance_id)).one()
            run.states[number].append(stored_size)
            assert (status == "completed") == (number == len(path)), status


def _bare_instance(bare_context, path, run: Run) -> None:
    serializer, engine = workflow_serializer(), bare_context["engine"]
    spec, subprocess_specs = specs_from_json(bare_context["spec_json"])
    workflow = new_workflow(spec, subprocess_specs, engine,
                            {"started_by": LEADER, "lane_owners": {"Lãnh đạo": [LEADER]}})
    workflow.do_engine_steps()
    stored = serializer.serialize_json(workflow)
    for spec_id, _who, data in path:
        started = time.perf_counter()
        workflow = serializer.deserialize_json(stored)
        workflow.script_engine = engine
        task = next(iter(workflow.get_tasks(state=TaskState.READY, manual=True)))
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        stored = serializer.serialize_json(workflow)
        run.bare.append(time.perf_counter() - started)
        assert task.task_spec.name == spec_id, (task.task_spec.name, spec_id)
    assert workflow.is_completed()
    run.bare_sizes.append(len(stored.encode()))


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def bench(app, instances: int, warmup: int) -> dict:
    user_ids, bare_context, counter = _setup(app)
    path = _path()
    for _ in range(warmup):  # caches filled (spec per version, compiled scripts, statements)
        _service_instance(app, user_ids, counter, path, Run())
        _bare_instance(bare_context, path, Run())
    run = Run()
    for _ in range(instances):  # alternating, so both see the same machine
        _service_instance(app, user_ids, counter, path, run)
        _bare_instance(bare_context, path, run)
    return {
        "backend": db.engine.dialect.name, "completions": len(run.service),
        "service_median": statistics.median(run.service) * 1000, "service_p95": _p95(run.service) * 1000,
        "bare_median": statistics.median(run.bare) * 1000, "bare_p95": _p95(run.bare) * 1000,
        "state_after_10": max(run.states[len(path) - 1]), "state_final": max(run.states[len(path)]),
        "bare_json_final": max(run.bare_sizes), "statements": run.statements / len(run.service),
    }


def print_table(rows: list[dict]) -> None:
    print(f"{'backend':10s} | {'service ms':>17s} | {'bare Spiff ms':>17s} | {'ratio':>6s} | "
          f"{'state B':>8s} | {'SQL/completion':>14s}")
    print(f"{'':10s} | {'median':>8s} {'p95':>8s} | {'median':>8s} {'p95':>8s} | {'median':>6s} | "
          f"{'10 steps':>8s} | {'':>14s}")
    for r in rows:
        ratio = r["service_median"] / r["bare_median"]
        print(f"{r['backend']:10s} | {r['service_median']:8.2f} {r['service_p95']:8.2f} | "
              f"{r['bare_median']:8.2f} {r['bare_p95']:8.2f} | {ratio:5.2f}× | "
              f"{r['state_after_10']:8d} | {r['statements']:14.1f}")
    for r in rows:
        ratio = r["service_median"] / r["bare_median"]
        verdict = "ok" if ratio <= RATIO_LIMIT and r["state_after_10"] < STATE_LIMIT else "OVER TARGET"
        print(f"{r['backend']}: {r['completions']} completions; state after 11 (completed) "
              f"{r['state_final']} B, bare full JSON {r['bare_json_final']} B; target ≤ {RATIO_LIMIT:g}× "
              f"and < {STATE_LIMIT} B: {verdict}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--instances", type=int, default=200, help="measured instances per backend")
    parser.add_argument("--warmup", type=int, default=5, help="instances run first and not measured")
    args = parser.parse_args(argv)
    rows = []
    for url in database_urls(args.urls):
        with fresh_app(url) as app:
            rows.append(bench(app, args.instances, args.warmup))
    print_table(rows)


if __name__ == "__main__":
    main()
