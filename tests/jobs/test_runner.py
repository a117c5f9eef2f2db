"""Embedded mode: jobs by name, the scheduler thread, `flask worker`, and when the thread must not start."""
import time

import pytest

from app.jobs import runner
from app.jobs.cli import worker_command
from app.jobs.runner import Scheduler, enqueue, run_job, start_background_jobs

from .conftest import timers_fired


def _wait_for(condition, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_run_job_fires_due_timers_and_commits(app, due_instance, committed_db):
    assert run_job(app, "fire_due_timers", now=due_instance.moment) == 1
    assert timers_fired(committed_db) == 1
    assert run_job(app, "fire_due_timers", now=due_instance.moment) == 0


def test_scheduler_thread_fires_due_timers(app, due_instance, committed_db):
    scheduler = Scheduler(app, {"fire_due_timers": 0.05})
    scheduler.start()
    try:
        assert _wait_for(lambda: timers_fired(committed_db) == 1)
    finally:
        scheduler.stop()
    assert not scheduler.is_alive()


def test_enqueue_goes_to_the_running_thread(app, due_instance, committed_db):
    scheduler = Scheduler(app, {})  # no periodic job: only what is enqueued runs
    scheduler.start()
    app.extensions["job_scheduler"] = scheduler
    try:
        with app.app_context():
            enqueue("fire_due_timers", now=due_instance.moment)
        assert _wait_for(lambda: timers_fired(committed_db) == 1)
    finally:
        scheduler.stop()
        del app.extensions["job_scheduler"]


def test_enqueue_without_a_thread_runs_now(app, due_instance, committed_db):
    with app.app_context():
        enqueue("fire_due_timers", now=due_instance.moment)
        with pytest.raises(KeyError):
            enqueue("no_such_job")
    assert timers_fired(committed_db) == 1


def test_flask_worker_once(app, due_instance, committed_db):
    result = app.test_cli_runner().invoke(worker_command, ["--once"])
    assert result.exit_code == 0, result.output
    assert timers_fired(committed_db) == 1


def test_background_thread_starts_once_and_only_in_a_server(app, committed_db, monkeypatch):
    assert start_background_jobs(app) is None  # tests call jobs directly
    monkeypatch.setitem(app.config, "TESTING", False)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    monkeypatch.setattr(runner, "SCHEDULE", {"fire_due_timers": 3600.0})
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
    assert start_background_jobs(app) is None  # Celery workers run the jobs
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", None)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    assert start_background_jobs(app) is None  # `flask db upgrade` loads wsgi.py too
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    scheduler = start_background_jobs(app)
    try:
        assert scheduler is not None and scheduler.is_alive() and scheduler.daemon
        assert start_background_jobs(app) is scheduler
    finally:
        scheduler.stop()
        app.extensions.pop("job_scheduler", None)


def test_the_anchor_job_runs_hourly_unless_configured_and_logs_what_it_commits(app, committed_db, monkeypatch):
    from app.audit.anchor_log import read_anchor_log
    from app.audit.models import AuditAnchor
    from app.audit.services import record

    assert Scheduler(app).schedule["anchor_audit_chain"] == 3600.0
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_INTERVAL_MINUTES", 10)
    assert Scheduler(app).schedule["anchor_audit_chain"] == 600.0
    event = record("thing_done", actor=None, subject=None, step=1)
    committed_db.session.commit()
    assert run_job(app, "anchor_audit_chain") == event.seq
    assert [entry.seq for entry in read_anchor_log(app.config)] == [event.seq]
    assert committed_db.session.query(AuditAnchor).one().seq == event.seq
