"""Migration throughput: N cases of Giao việc waiting at their report step moved to a new published version.

Usage: .venv/bin/python bench/migration.py [--cases N] [--profile] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it at a
database of its own (createdb -h 127.0.0.1 -U postgres bench), never at one a test run uses.

Each case moves the way `flask processes migrate` moves it: under its lock, in its own savepoint, and
committed before the next (state, inbox and timer rows, instance_migrated event). Printed: cases per
second for the dry run (nothing written), for the move, and for replaying the moved cases; for the move also
the CPU time of this process per case (on a busy machine the wall time says more about the neighbours).
"""
import argparse
import cProfile
import pstats
import time
from datetime import timedelta

from fresh_database import database_urls, fresh_app
from sqlalchemy import select

from app.directory.models import Agency, User
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.instance_migration import dry_run, migrate_cases, plan_migration, running_cases
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.replay import replay
from app.workflow.runtime import complete_task, start_instance
from tests.designer import bpmn_edits
from tests.workflow.migration_setup import publish_edit, rename


def populate(cases: int) -> tuple[User, list[int]]:
    agency = Agency(code="000.00.00.B99", name="Cơ quan đo", short_name="CQĐ", kind="department")
    leader = User(agency=agency, username="lanhdao", full_name="Lãnh Đạo", password_hash="x")
    specialist = User(agency=agency, username="chuyenvien", full_name="Chuyên Viên", password_hash="x")
    leader.set_roles(("leader",))
    specialist.set_roles(("specialist",))
    db.session.add_all([agency, leader, specialist])
    db.session.commit()
    due = (vietnam_today() + timedelta(days=5)).isoformat()
    ids = []
    for _ in range(cases):
        instance = start_instance("assign_work", actor=leader)
        task = db.session.scalars(select(HumanTask.task_uuid).where(HumanTask.instance_id == instance.id)).one()
        complete_task(task, {"work_title": "Việc đo", "description": "…", "assignee": "chuyenvien", "due_date": due},
                      actor=leader)
        db.session.commit()
        ids.append(instance.id)
    return leader, ids


def bench(url: str, cases: int, profile: bool) -> None:
    with fresh_app(url) as app, app.test_request_context():
        sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        db.session.commit()
        leader, ids = populate(cases)
        old = latest_version("assign_work")
        new = publish_edit("assign_work", lambda xml: rename(bpmn_edits.insert_step_after(
            xml, "review", "legal_check", "Kiểm tra pháp chế", "lane_assigner", "assign_work/review.schema.json"),
            "report", "report_result"))
        db.session.commit()
        plan = plan_migration("assign_work", old.number, new.number, {"report": "report_result"})
        backend = db.engine.dialect.name
        assert running_cases(plan, actor=leader) == ids
        db.session.expunge_all()

        started = time.perf_counter()
        assert all(o.ok for o in dry_run(plan, ids))
        dry = time.perf_counter() - started
        db.session.expunge_all()

        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        outcomes = migrate_cases(plan, ids, actor=leader, after_each=_commit_and_forget)
        if profiler:
            profiler.disable()
        moved, moved_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert all(o.ok for o in outcomes), [o.reason for o in outcomes if not o.ok][:3]

        started = time.perf_counter()
        for instance_id in ids:
            assert replay(db.session.get(ProcessInstance, instance_id)).matches
            db.session.expunge_all()
        replayed = time.perf_counter() - started
    print(f"{backend:10s} {cases} waiting cases: dry run {cases / dry:.0f} cases/s, move {cases / moved:.0f} cases/s "
          f"({moved / cases * 1000:.1f} ms per case, {moved_cpu / cases * 1000:.1f} ms of it this process's CPU), replay of the moved cases {cases / replayed:.0f} cases/s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def _commit_and_forget() -> None:
    db.session.commit()
    db.session.expunge_all()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("urls", nargs="*")
    arguments = parser.parse_args()
    for database_url in database_urls(arguments.urls):
        bench(database_url, arguments.cases, arguments.profile)
