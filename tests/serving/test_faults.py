"""Faults in production mode: a web process killed (-9) in a burst of completions, database connections cut in
the middle of requests, Redis gone while jobs wait. Afterwards the audit chain verifies, every case replays,
the inbox is what the engine says, and numbers have no gap or duplicate."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.documents.models import Document
from app.extensions import db as _db
from app.jobs.celery_tasks import make_celery, task_name
from app.jobs.runner import enqueue
from app.workflow.inbox import ready_manual_tasks
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance

from ..conftest import csrf_token_from
from ..jobs.conftest import due_cases, timers_fired
from .conftest import PROJECT_ROOT, free_port, needs_postgresql, server_environment
from .office import log_in, office_with_registrations, register_tasks

DOCUMENTS = 40
WORKER_BROKER = "redis://127.0.0.1:6379/13"  # this test's own database of the shared Redis, emptied around it


def _office(app):
    with app.test_request_context():
        agency_id, names = office_with_registrations(app, DOCUMENTS)
        _db.session.remove()
    return agency_id, names


def _completer(session: requests.Session, token: str, tasks: list[str]):
    """complete(url, index) -> the status of one registration, or None when the connection broke."""

    def complete(url: str, index: int) -> int | None:
        same_person = requests.Session()
        same_person.cookies.update(session.cookies)
        try:
            answer = same_person.post(f"{url}/cong-viec/{tasks[index]}", data={"csrf_token": token, "route": "leader"},
                                      allow_redirects=False, timeout=60)
        except requests.ConnectionError:
            return None
        return answer.status_code if answer.status_code != 500 else _friendly(answer)

    return complete


def _friendly(answer: requests.Response) -> int:
    # A database gone mid-request: the error page in Vietnamese, nothing of the driver's error.
    assert "Thao tác chưa được lưu" in answer.text and "psycopg" not in answer.text and "Traceback" not in answer.text
    return 500


def _signed_in_clerk(url: str, username: str, task: str) -> tuple[requests.Session, str]:
    clerk = requests.Session()
    assert log_in(clerk, url, url, username).status_code == 302
    return clerk, csrf_token_from(clerk.get(f"{url}/cong-viec/{task}").text)


def assert_whole(app, committed_db, agency_id: int) -> int:
    """No half-written case: numbers 1…k with neither gap nor duplicate, a number exactly where the registration
    task is gone, the inbox of every case equal to the engine's ready tasks, the chain intact, every case
    replaying. Returns k."""
    try:
        documents = committed_db.session.execute(select(Document.arrival_number, Document.status_code,
                                                        Document.instance_id).where(Document.agency_id == agency_id)).all()
        waiting = set(committed_db.session.scalars(select(HumanTask.instance_id).where(HumanTask.spec_id == "register")))
        numbers = sorted(number for number, _status, _instance in documents if number is not None)
        assert numbers == list(range(1, len(numbers) + 1))
        for number, status, instance_id in documents:
            assert (number is None) == (instance_id in waiting) and (status == "03") == (number is not None)
    finally:
        committed_db.session.rollback()
    assert_cases_whole(app, committed_db)
    return len(numbers)


def assert_cases_whole(app, committed_db) -> None:
    """Every case's inbox is what its engine state says; the chain verifies; every case replays."""
    try:
        for instance in committed_db.session.scalars(select(ProcessInstance)):
            inbox = set(committed_db.session.scalars(select(HumanTask.task_uuid)
                                                     .where(HumanTask.instance_id == instance.id)))
            assert inbox == set(ready_manual_tasks(load_workflow(instance, None))), instance.id
    finally:
        committed_db.session.rollback()
    cli = app.test_cli_runner()
    verified = cli.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    replayed = cli.invoke(args=["audit", "replay", "--all"])
    assert replayed.exit_code == 0 and "0 không khớp" in replayed.output, replayed.output
    committed_db.session.remove()


def test_a_web_process_killed_in_a_burst_of_completions(app, committed_db, web_processes):
    agency_id, names = _office(app)
    [first] = web_processes(1, WORKERS="2")
    tasks = register_tasks(committed_db)
    clerk, token = _signed_in_clerk(first.url, names["clerk"], tasks[0])
    complete = _completer(clerk, token, tasks)

    answers: list[int | None] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(complete, first.url, index) for index in range(DOCUMENTS)]
        deadline = time.monotonic() + 60
        while sum(future.done() for future in futures) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.kill()  # master and workers, in the middle of the burst
        answers = [future.result() for future in futures]
    assert None in answers and 302 in answers  # some went through, some were cut off
    registered = assert_whole(app, committed_db, agency_id)
    assert 0 < registered < DOCUMENTS

    # Another process takes over the same session and finishes the rest.
    [second] = web_processes(1)
    left = [index for index, task in enumerate(tasks) if task in set(register_tasks(committed_db))]
    assert [complete(second.url, index) for index in left] == [302] * len(left)
    assert assert_whole(app, committed_db, agency_id) == DOCUMENTS


def test_database_connections_cut_in_the_middle_of_requests(app, committed_db, web_processes):
    agency_id, names = _office(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    name = "lienthong-fault-test"
    [web] = web_processes(1, DATABASE_URL=url + ("&" if "?" in url else "?") + f"application_name={name}")
    tasks = register_tasks(committed_db)
    clerk, token = _signed_in_clerk(web.url, names["clerk"], tasks[0])
    complete = _completer(clerk, token, tasks)

    # As a restart of PostgreSQL looks to the web process (without restarting the database other tests use):
    # every connection of that process is terminated, again and again, while its requests run.
    stop, cuts = threading.Event(), []

    def cut_connections():
        with app.app_context():
            engine = _db.engine
        while not stop.is_set():
            with engine.connect() as connection:
                cuts.append(connection.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"), {"name": name}).scalar())
                connection.commit()
            time.sleep(0.15)

    cutter = threading.Thread(target=cut_connections)
    cutter.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda index: complete(web.url, index), range(DOCUMENTS)))
    finally:
        stop.set()
        cutter.join()
    assert sum(cuts) > 0 and set(answers) <= {302, 500} and 500 in answers
    assert assert_whole(app, committed_db, agency_id) == answers.count(302)
    # The database back: the same process serves again (its pool checks connections before use).
    left = [index for index, task in enumerate(tasks) if task in set(register_tasks(committed_db))]
    assert [complete(web.url, index) for index in left] == [302] * len(left)
    assert assert_whole(app, committed_db, agency_id) == DOCUMENTS


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own on a free port, which the test stops and starts again."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is required (.ci/run installs it)")
    port = free_port()

    def start() -> subprocess.Popen:
        process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                                    "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return process
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    processes = []
    yield port, lambda: processes.append(start()) or processes[-1]
    for process in processes:
        process.kill()
        process.wait()


def test_a_redis_outage_delays_jobs_and_loses_none(app, due_instance, committed_db, own_redis, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    port, start_redis = own_redis
    broker = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", broker)
    monkeypatch.setitem(app.extensions, "celery", make_celery(app))
    redis_process = start_redis()
    with app.app_context():
        enqueue("fire_due_timers")  # queued; Redis then goes down with it (no persistence)
    redis_process.kill()
    redis_process.wait()
    with app.app_context():
        started = time.monotonic()
        with pytest.raises(Exception, match="(?i)connect"):
            enqueue("fire_due_timers")  # what a beat tick or a request meets during the outage
        assert time.monotonic() - started < 10  # a request that enqueues after its commit is not held long
    assert timers_fired(committed_db) == 0

    start_redis()
    with start_worker(app.extensions["celery"], pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with app.app_context():
            enqueue("fire_due_timers")  # the next tick of the schedule
        deadline = time.monotonic() + 30
        while timers_fired(committed_db) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert timers_fired(committed_db) == 1  # done once, late, from the database's own record of what is due


TIMER_CASES = 150


def test_a_celery_worker_killed_in_the_middle_of_its_jobs(app, committed_db, tmp_path, monkeypatch):
    needs_postgresql(app)
    client = redis.Redis.from_url(WORKER_BROKER, socket_connect_timeout=2)
    client.flushdb()
    _cases, moment = due_cases(app, committed_db, TIMER_CASES)
    committed_db.session.remove()
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", WORKER_BROKER)
    celery = make_celery(app)

    def worker(name: str) -> subprocess.Popen:
        env = server_environment(app, tmp_path / name, CELERY_BROKER_URL=WORKER_BROKER)
        with open(tmp_path / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "tests.serving.shifted_worker", moment.isoformat(), "worker", "--pool=solo",
                 "--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", f"{name}@%h"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    first = worker("first")
    try:
        celery.send_task(task_name("fire_due_timers"), kwargs={"limit": TIMER_CASES}, ignore_result=True)
        deadline = time.monotonic() + 120
        while timers_fired(committed_db) == 0 and time.monotonic() < deadline:
            assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
            time.sleep(0.005)
        os.killpg(first.pid, signal.SIGKILL)  # kill -9 in the middle of the job
        first.wait()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    fired_before = timers_fired(committed_db)
    assert 0 < fired_before < TIMER_CASES, (tmp_path / "first.log").read_text()[-3000:]
    assert_cases_whole(app, committed_db)

    # The next worker, at the schedule's next tick, fires the rest: each case once.
    second = worker("second")
    try:
        celery.send_task(task_name("fire_due_timers"), kwargs={"limit": TIMER_CASES}, ignore_result=True)
        deadline = time.monotonic() + 180
        while timers_fired(committed_db) < TIMER_CASES and time.monotonic() < deadline:
            assert second.poll() is None, (tmp_path / "second.log").read_text()[-3000:]
            time.sleep(0.1)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
        client.flushdb()
    assert timers_fired(committed_db) == TIMER_CASES
    fired_per_case = committed_db.session.execute(
        select(AuditEvent.subject_id, func.count()).where(AuditEvent.event_type == "timer_fired")
        .group_by(AuditEvent.subject_id)).all()
    committed_db.session.rollback()
    assert {count for _instance, count in fired_per_case} == {1}
    assert_cases_whole(app, committed_db)
