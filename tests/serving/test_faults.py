"""Faults in production mode: a web process killed (-9) in a burst of completions, database connections cut in
the middle of requests, Redis gone while jobs wait. Afterwards the audit chain verifies, every case replays,
the inbox is what the engine says, and numbers have no gap or duplicate."""
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from sqlalchemy import select, text

from app.documents.models import Document
from app.extensions import db as _db
from app.jobs.runner import enqueue
from app.workflow.inbox import ready_manual_tasks
from app.workflow.instance_state import load_workflow
from app.workflow.models import HumanTask, ProcessInstance

from ..conftest import csrf_token_from
from ..jobs.conftest import timers_fired
from .conftest import free_port
from .office import log_in, office_with_registrations, register_tasks

DOCUMENTS = 40


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
    return len(numbers)


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

    from app.jobs.celery_tasks import make_celery

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
