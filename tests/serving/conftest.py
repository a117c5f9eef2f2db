"""Real web processes of production mode (gunicorn with its production settings) on the tests' database."""
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ..jobs.conftest import due_instance  # noqa: F401  (a fixture the fault tests use)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def needs_postgresql(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # Production mode refuses SQLite (`make serve`): an SQLite file belongs to one machine, and processes
        # sharing it would test the file's locking rather than what production shares.
        pytest.skip("production mode runs on PostgreSQL only (TEST_DATABASE_URL=postgresql+psycopg://…)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class WebProcess:
    url: str
    process: subprocess.Popen

    def kill(self) -> None:
        """kill -9: no request is finished, no transaction committed."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def server_environment(app, instance_path: Path, **extra) -> dict:
    """The settings a server of the same installation has: database, secrets and stores of the test app."""
    config = app.config
    env = {key: value for key, value in os.environ.items() if key not in ("CELERY_BROKER_URL", "TEST_DATABASE_URL")}
    env.update(DATABASE_URL=config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=config["SECRET_KEY"],
               FILES_DIR=str(config["FILES_DIR"]), PKI_DIR=str(config["PKI_DIR"]),
               SIGNING_KEY_PASSPHRASE=config["SIGNING_KEY_PASSPHRASE"], AUDIT_ANCHOR_LOG=config["AUDIT_ANCHOR_LOG"],
               INSTANCE_PATH=str(instance_path), BACKGROUND_JOBS="0", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def start_web(app, instance_path: Path, log_path: Path, **extra) -> WebProcess:
    """One gunicorn (one worker unless told) on a free port, started exactly as `make serve` starts it."""
    port = free_port()
    env = server_environment(app, instance_path, HOST="127.0.0.1", PORT=str(port),
                             **{"WORKERS": "1", "THREADS": "4", **extra})
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:app.serving.gunicorn_config", "wsgi:app"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    web = WebProcess(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_healthy(web, log_path)
    except BaseException:  # never leave a server behind when the test cannot have it
        web.stop()
        raise
    return web


def _wait_until_healthy(web: WebProcess, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if web.process.poll() is not None:
            raise AssertionError(f"gunicorn ended with {web.process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(web.url + "/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or the worker still importing the app
            pass
        time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer within 90 s:\n{log_path.read_text()[-3000:]}")


@pytest.fixture
def web_processes(app, committed_db, tmp_path):
    """Start web processes on demand (`web_processes(2)`); all are stopped after the test."""
    needs_postgresql(app)
    started: list[WebProcess] = []

    def start(count: int = 1, **extra) -> list[WebProcess]:
        for _ in range(count):
            n = len(started)
            started.append(start_web(app, tmp_path / f"instance-{n}", tmp_path / f"web-{n}.log", **extra))
        return started[-count:]

    try:
        yield start
    finally:
        for web in started:
            web.stop()
