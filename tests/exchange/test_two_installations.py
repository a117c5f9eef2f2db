"""Two installations, each in its own processes with its own database, exchange through the axis stand-in
served by `flask exchange hub` in a process of its own: release, statuses back, a recall, no duplicates."""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

AGENCY_A, AGENCY_B = "000.00.01.H63", "000.00.02.H38"  # as in installation.py (run in other processes)

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {"yenbai.a": "bi-mat-cua-a", "laocai.b": "bi-mat-cua-b"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _flask(env, *args) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def stand_in(tmp_path):
    """`flask exchange hub` on a free port, with systems a (agency A) and b (agency B) registered."""
    env = {**os.environ, "FLASK_APP": "wsgi.py", "INSTANCE_PATH": str(tmp_path / "hub-instance"),
           "AXIS_HUB_DATABASE_URL": f"sqlite:///{tmp_path / 'axis-hub.db'}"}
    env.pop("TEST_DATABASE_URL", None)
    for system_id, code in (("yenbai.a", AGENCY_A), ("laocai.b", AGENCY_B)):
        _flask(env, "exchange", "hub-register", system_id, "--secret", SECRETS[system_id], "--agency", code)
    port = _free_port()
    hub = subprocess.Popen([sys.executable, "-m", "flask", "exchange", "hub", "--port", str(port)], cwd=ROOT,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    hub.terminate()
    hub.wait(10)


def test_release_statuses_and_recall_between_two_installations(tmp_path, stand_in):
    pki = tmp_path / "demo-pki"  # both trust the same demo root, as two real systems trust the national CA

    def run(installation: str, step: str, *arguments) -> dict:
        system = {"a": "yenbai.a", "b": "laocai.b"}[installation]
        env = {**os.environ, "INSTANCE_PATH": str(tmp_path / installation), "AXIS_ENDPOINT": stand_in,
               "AXIS_SYSTEM_ID": system, "AXIS_SECRET": SECRETS[system]}
        env.pop("TEST_DATABASE_URL", None)
        done = subprocess.run([sys.executable, "-m", "tests.exchange.installation", step,
                               str(tmp_path / installation), str(pki), *map(str, arguments)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    run("a", "setup-a")
    run("b", "setup-b")
    first, second = run("a", "a-releases"), run("a", "a-releases")
    assert run("a", "jobs")["sent"]["sent"] == 2  # A's releases leave through the stand-in
    assert run("b", "jobs")["taken"]["imported"] == 2  # each at 01, its 01 queued with it
    again = run("b", "jobs")
    assert again["taken"]["imported"] == 0  # acknowledged: never a second document
    assert again["sent"]["sent"] == 2  # the two 01 go back to A
    arrived = run("b", "b-documents")["documents"]
    assert [(d["status"], d["origin"], d["symbol"]) for d in arrived] == [
        ("01", "edxml", first["symbol"]), ("01", "edxml", second["symbol"])]
    assert all(d["verdicts"] == ["valid", "valid"] for d in arrived)

    # The first is handled to the end at B: 03, 04, 05, 06 reach A's timeline.
    run("b", "b-registers", 1)
    run("b", "b-handles", 1)
    assert run("b", "jobs")["sent"]["sent"] == 4
    run("a", "jobs")
    assert run("a", "a-timeline", 1)["timeline"] == ["01", "03", "04", "05", "06"]

    # The second is recalled while B handles it: 13 at B, agreed, its handling cancelled, 15 on A's timeline.
    run("b", "b-registers", 2)
    run("b", "jobs")
    run("a", "a-recalls", 2)
    run("a", "jobs")
    run("b", "jobs")
    assert run("b", "b-documents")["documents"][1]["status"] == "13"
    run("b", "b-agrees-to-recall", 2)
    run("b", "jobs")
    run("a", "jobs")
    recalled = run("b", "b-documents")["documents"][1]
    assert (recalled["status"], recalled["instance"]) == ("15", "cancelled")
    assert run("a", "a-timeline", 2) == {"status": "15", "timeline": ["01", "03", "15"], "outbox": "sent"}
