"""Scaled-out mode: the same jobs as Celery tasks, through the real Redis broker and a real worker."""
import time

import pytest
from celery.contrib.testing.worker import start_worker

from app.jobs.celery_tasks import make_celery, task_name
from app.jobs.runner import enqueue, schedule_for

from ..redis_broker import emptied_redis_database
from .conftest import timers_fired

REDIS_URL = "redis://127.0.0.1:6379/15"  # database 15: the tests' own, emptied before use


@pytest.fixture
def celery(app, monkeypatch):
    with emptied_redis_database(REDIS_URL):
        monkeypatch.setitem(app.config, "CELERY_BROKER_URL", REDIS_URL)
        celery = make_celery(app)
        # A worker thread in this process: messages still go through Redis both ways.
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield celery


def test_beat_schedule_matches_the_embedded_schedule(app, monkeypatch):
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "AUDIT_ANCHOR_INTERVAL_MINUTES", 20)
    beat = make_celery(app).conf.beat_schedule
    assert {name: entry["schedule"] for name, entry in beat.items()} == schedule_for(app.config)
    assert beat["anchor_audit_chain"]["schedule"] == 20 * 60.0
    assert beat["fire_due_timers"]["task"] == task_name("fire_due_timers") == "lienthong.fire_due_timers"


def test_worker_fires_due_timers_through_redis(app, due_instance, committed_db, celery):
    result = celery.tasks[task_name("fire_due_timers")].apply_async()
    assert result.get(timeout=30) == 1
    assert timers_fired(committed_db) == 1


def test_enqueue_sends_to_the_celery_worker(app, due_instance, committed_db, celery):
    with app.app_context():
        enqueue("fire_due_timers")
    deadline = time.monotonic() + 30
    while timers_fired(committed_db) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert timers_fired(committed_db) == 1
