"""The Celery side of the job runner: the same job functions as Celery tasks, on a beat schedule."""
import os

from celery import Celery
from flask import Flask

from .runner import JOBS, run_job, schedule_for

TASK_PREFIX = "lienthong."


def task_name(job: str) -> str:
    return TASK_PREFIX + job


def make_celery(app: Flask) -> Celery:
    """Build a Celery app from the Flask configuration, with every job registered as a task."""
    broker = app.config["CELERY_BROKER_URL"]
    celery = Celery("lienthong", broker=broker, backend=app.config.get("CELERY_RESULT_BACKEND") or broker,
                    set_as_current=False)
    celery.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        timezone="UTC", enable_utc=True, result_expires=3600,
        broker_connection_retry_on_startup=True,
        # A job lost with its worker is run again by the next worker; every job is idempotent.
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
        beat_schedule={name: {"task": task_name(name), "schedule": seconds,
                              "options": {"expires": seconds}}  # a backlog of ticks is pointless
                       for name, seconds in schedule_for(app.config).items()},
    )
    for name in JOBS:
        _register(celery, app, name)
    return celery


def _register(celery: Celery, app: Flask, name: str) -> None:
    @celery.task(name=task_name(name), shared=False)  # shared tasks would leak into other Celery apps
    def job(**kwargs):
        return run_job(app, name, **kwargs)


def celery_for(app: Flask) -> Celery:
    """The Celery app a web process sends tasks through, built once per Flask app."""
    if "celery" not in app.extensions:
        app.extensions["celery"] = make_celery(app)
    return app.extensions["celery"]
