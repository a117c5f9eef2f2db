"""Run jobs by name: in-process (embedded mode) or through Celery when CELERY_BROKER_URL is set.

Embedded mode runs a daemon scheduler thread in the server process (`start_background_jobs`) or
in the foreground (`flask worker`); the scaled-out mode runs the same functions as Celery tasks
(`celery -A app.jobs.celery_app worker -B`).
"""
import logging
import os
import queue
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

from app.dossiers.compaction import compact_archived_history_job
from app.dossiers.retention import sweep_dossier_retention
from app.exchange.jobs import (
    AXIS_JOB_NAMES,
    axis_configured,
    exchange_configured,
    poll_exchange_inbox,
    send_outbox_messages,
    sync_exchange_agencies,
)
from app.exchange.jobs import JOB_NAMES as EXCHANGE_JOBS
from app.extensions import db
from app.mail.digest import send_daily_digests_job
from app.mail.sending import digest_enabled
from app.notifications.deadlines import sweep_task_deadlines
from app.reports.facts import refresh_document_facts
from app.reports.monthly import make_monthly_reports
from app.reports.recipient_facts import refresh_recipient_facts
from app.workflow.incidents import retry_due_incidents

from .timers import fire_due_timers


def anchor_audit_chain() -> int | None:
    """The periodic anchor of the audit chain's head; returns the anchored event number, if any."""
    from app.audit.anchors import anchor_chain

    anchor = anchor_chain(current_app.config)
    return anchor.seq if anchor else None

log = logging.getLogger(__name__)

# Every job by name: jobs are plain functions taking JSON-friendly keyword arguments.
JOBS: dict[str, Callable] = {
    "fire_due_timers": fire_due_timers,
    "retry_failed_steps": retry_due_incidents,
    "anchor_audit_chain": anchor_audit_chain,
    "send_outbox_messages": send_outbox_messages,
    "poll_exchange_inbox": poll_exchange_inbox,
    "sync_exchange_agencies": sync_exchange_agencies,
    "refresh_document_facts": refresh_document_facts,
    "send_email_digests": send_daily_digests_job,
    "sweep_task_deadlines": sweep_task_deadlines,
    "make_monthly_reports": make_monthly_reports,
    "refresh_recipient_facts": refresh_recipient_facts,
    "sweep_dossier_retention": sweep_dossier_retention,
    "compact_archived_history": compact_archived_history_job,
}

# Seconds between runs of the periodic jobs (Celery beat uses the same table), before configuration.
SCHEDULE: dict[str, float] = {
    "fire_due_timers": 30.0,
    # Service steps that failed transiently wait at least their backoff (whole seconds, ≥ 1): a tick this
    # often keeps the waits close to what the diagram declares.
    "retry_failed_steps": 15.0,
    "anchor_audit_chain": 3600.0,
    "send_outbox_messages": 30.0,
    "poll_exchange_inbox": 60.0,
    "sync_exchange_agencies": 86400.0,
    # The reports' numbers are at most this old (app.reports.facts).
    "refresh_document_facts": 60.0,
    # Each run sends the day's digests that are due (app.mail.digest): at most one a person a day.
    "send_email_digests": 900.0,
    # Deadlines are told once per task and day (dedupe keys): hourly catches a new deadline the same day.
    "sweep_task_deadlines": 3600.0,
    # Each agency's signed report of the month that ended (app.reports.monthly); a no-op once made.
    "make_monthly_reports": 3600.0,
    # The outgoing handling report's recipients (app.reports.recipient_facts), as fresh as the facts above.
    "refresh_recipient_facts": 60.0,
    # Hand-over notices and destruction proposals (app.dossiers.retention): dedupe keys and one proposal
    # row a dossier make every later run of the day a no-op; a few times a day catches a new closing.
    "sweep_dossier_retention": 21600.0,
    # Archived cases' process history (app.dossiers.compaction): only cases whose documents were handed over.
    "compact_archived_history": 86400.0,
}


def schedule_for(config) -> dict[str, float]:
    """SCHEDULE with the configured intervals (`flask audit verify` holds the anchors to theirs); the
    exchange's jobs only when a transport is configured, the directory's sync only with an axis, the email
    digest only when it is switched on."""
    configured = {"anchor_audit_chain": 60.0 * config["AUDIT_ANCHOR_INTERVAL_MINUTES"],
                  "send_outbox_messages": float(config.get("EXCHANGE_OUTBOX_INTERVAL_SECONDS") or 30),
                  "poll_exchange_inbox": float(config.get("EXCHANGE_INBOX_INTERVAL_SECONDS") or 60),
                  "sync_exchange_agencies": 3600.0 * float(config.get("EXCHANGE_AGENCIES_SYNC_HOURS") or 24)}
    skipped = (() if exchange_configured(config) else EXCHANGE_JOBS) + (
        () if axis_configured(config) else AXIS_JOB_NAMES) + (
        () if digest_enabled(config) else ("send_email_digests",))
    return {name: configured.get(name, seconds) for name, seconds in SCHEDULE.items() if name not in skipped}


def run_job(app: Flask, name: str, **kwargs):
    """Run one job in its own app context and session; commit what it left uncommitted."""
    job = JOBS[name]
    with app.app_context():
        try:
            result = job(**kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


def enqueue(name: str, **kwargs) -> None:
    """Run a job in the background; call it after committing what the job must see."""
    if name not in JOBS:
        raise KeyError(f"Unknown job {name!r}")
    app = current_app._get_current_object()
    if app.config.get("CELERY_BROKER_URL"):
        from .celery_tasks import celery_for, task_name
        celery_for(app).send_task(task_name(name), kwargs=kwargs, ignore_result=True)
        return
    scheduler = app.extensions.get("job_scheduler")
    if scheduler is not None and scheduler.is_alive():
        scheduler.submit(name, kwargs)
    else:  # no background thread in this process (CLI, tests): run it now
        run_job(app, name, **kwargs)


class Scheduler(threading.Thread):
    """Run the periodic jobs every `schedule[name]` seconds and the enqueued ones as they come."""

    def __init__(self, app: Flask, schedule: dict[str, float] | None = None):
        super().__init__(name="lienthong-jobs", daemon=True)
        self.app, self.schedule = app, dict(schedule_for(app.config) if schedule is None else schedule)
        self.pid = os.getpid()
        self._queue: queue.Queue = queue.Queue()
        self._stopping = threading.Event()

    def submit(self, name: str, kwargs: dict) -> None:
        self._queue.put((name, kwargs))

    def stop(self, timeout: float | None = 10) -> None:
        self._stopping.set()
        self._queue.put(None)
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    def run(self, *, once: bool = False) -> None:
        """Loop until stopped; with `once`, run each periodic job one time and return."""
        next_run = {name: time.monotonic() for name in self.schedule}
        while not self._stopping.is_set():
            for name, due in next_run.items():
                if due <= time.monotonic():
                    self._run(name, {})
                    next_run[name] = time.monotonic() + self.schedule[name]
            if once:
                return
            wait = max(0.0, min(next_run.values(), default=time.monotonic() + 60) - time.monotonic())
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                continue
            if item is None:
                return
            self._run(*item)

    def _run(self, name: str, kwargs: dict) -> None:
        # One failing run must not end the thread: the next tick tries again.
        try:
            run_job(self.app, name, **kwargs)
        except Exception:
            log.exception("Job %s failed", name)


_start_lock = threading.Lock()


def start_background_jobs(app: Flask) -> Scheduler | None:
    """Start the embedded scheduler thread once per server process; None where it must not run."""
    if (app.config.get("CELERY_BROKER_URL") or app.testing or not app.config.get("BACKGROUND_JOBS", True)
            or os.environ.get("FLASK_RUN_FROM_CLI") == "true"):
        # Celery workers run the jobs; tests call them directly; `flask` commands (which load
        # wsgi.py too) must not start a thread: `flask worker` runs the loop in the foreground.
        return None
    with _start_lock:
        scheduler = app.extensions.get("job_scheduler")
        # After a fork the parent's thread object survives but the thread does not.
        if scheduler is None or not scheduler.is_alive() or scheduler.pid != os.getpid():
            scheduler = Scheduler(app)
            scheduler.start()
            app.extensions["job_scheduler"] = scheduler
    return scheduler
