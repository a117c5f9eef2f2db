"""`make serve` itself: two machines' supervisors starting at once on one database prepare it once, serve, run
jobs through Redis, and stop every process they started on Ctrl-C."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from app.jobs.celery_tasks import make_celery, task_name
from app.workflow.models import ProcessVersion
from app.workflow.registry import catalogue

from ..redis_broker import emptied_redis_database
from .conftest import PROJECT_ROOT, free_port, needs_postgresql, server_environment

REDIS_URL = "redis://127.0.0.1:6379/14"  # the supervisor tests' own database, emptied before and after


@pytest.fixture
def broker():
    with emptied_redis_database(REDIS_URL) as url:
        yield url


def _supervisor(app, tmp_path, name: str, **extra) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = server_environment(app, tmp_path / name, CELERY_BROKER_URL=REDIS_URL, SEED_DEMO="0", HOST="127.0.0.1",
                             PORT=str(port), WORKERS="2", THREADS="2", CELERY_CONCURRENCY="1", **extra)
    with open(tmp_path / f"{name}.log", "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "app.serving"], cwd=PROJECT_ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _wait_until_serving(process, url, log) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if requests.get(url + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(log.read_text()[-3000:])


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc (no procps needed)."""
    children = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # ended while listed
            continue
        if int(fields[1]) == pid:
            children.add(int(stat.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_two_supervisors_prepare_once_serve_and_stop_together(app, committed_db, broker, tmp_path, monkeypatch):
    needs_postgresql(app)
    first, first_url = _supervisor(app, tmp_path, "first")
    second, second_url = _supervisor(app, tmp_path, "second", SERVE_ROLES="web")
    try:
        _wait_until_serving(first, first_url, tmp_path / "first.log")
        _wait_until_serving(second, second_url, tmp_path / "second.log")
        # Both ran `processes sync`, one after the other under the lock: one version of each process.
        versions = committed_db.session.scalar(select(func.count()).select_from(ProcessVersion))
        committed_db.session.rollback()
        assert versions == len(catalogue().processes)

        # A job sent through Redis is run by the first machine's Celery worker against the database.
        monkeypatch.setitem(app.config, "CELERY_BROKER_URL", REDIS_URL)
        celery = make_celery(app)
        assert celery.send_task(task_name("fire_due_timers")).get(timeout=60) == 0

        web_and_jobs = _children(first.pid)
        assert len(web_and_jobs) == 3 and len(_children(second.pid)) == 1  # gunicorn, worker, beat / gunicorn
        gunicorn_workers = set().union(*(_children(pid) for pid in web_and_jobs))
        assert len(gunicorn_workers) >= 2
    finally:
        for supervisor in (first, second):
            supervisor.send_signal(signal.SIGINT)
        codes = [supervisor.wait(timeout=90) for supervisor in (first, second)]
    assert codes == [0, 0]
    assert not [pid for pid in web_and_jobs | gunicorn_workers if _alive(pid)]

