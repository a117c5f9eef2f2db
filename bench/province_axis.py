"""bench/province.py's axis: the stand-in (`flask exchange hub --demo`, as `make hub` runs it) as a process of
its own, the agencies outside the installation the outgoing documents go to, and what reached the axis.

The hub registers the demo installations and the ministries and writes each installation's AXIS_* settings
to its folder; the served app gets Yên Bái's, so its outbox job (Celery beat → worker) sends the released
packages to the hub over HTTP, as it would to the national axis.
"""
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import requests
from incoming import _p
from province_cpu import descendants
from province_people import SIGNING_OFFICES
from sqlalchemy import create_engine, func, select, text

from app.directory.demo.provinces import LAO_CAI_PROVINCE
from app.documents.demo.letters import EXTERNAL_ISSUERS
from app.exchange.axis.hub import store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HUB_GROUP = "axis stand-in (hub)"
HUB_START_TIMEOUT = 120
# Celery's line for each run of the outbox job: "Task lienthong.send_outbox_messages[id] succeeded in 0.2s: {…}".
SEND_JOB_LINE = re.compile(r"send_outbox_messages\[[^\]]*\] succeeded in ([0-9.]+)s: \{'sent': (\d+)")


def outside_agencies() -> list[tuple[str, str]]:
    """(code, name) of the recipients outside the installation: the ministries (kept at the hub, nobody
    answers) and Lào Cai's offices like the signing ones (the peer; it is not running, so they wait there)."""
    ministries = [(issuer.code, issuer.name) for issuer in EXTERNAL_ISSUERS.values() if issuer.code]
    peer = [(agency.code, f"{agency.name} ({LAO_CAI_PROVINCE.place})") for agency in LAO_CAI_PROVINCE.agencies
            if agency.short_name in SIGNING_OFFICES]
    return ministries + peer


class AxisHub:
    """The stand-in on `port` with its SQLite database and log in `folder`, in its own session; stop() ends it."""

    def __init__(self, folder: Path, port: int):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.endpoint = folder, f"http://127.0.0.1:{port}"
        self.database_url = f"sqlite:///{folder / 'axis-hub.db'}"
        env = {key: value for key, value in os.environ.items()
               if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "AXIS_ENDPOINT")}
        env.update(INSTANCE_PATH=str(folder), FLASK_APP="wsgi.py", AXIS_HUB_DATABASE_URL=self.database_url)
        self.log_path = folder / "hub.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "exchange", "hub", "--demo", "--port", str(port)], cwd=PROJECT_ROOT,
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> dict[str, str]:
        """Wait for the stand-in to answer; return the AXIS_* settings it wrote for Yên Bái."""
        settings = self.folder / "axis-yenbai.env"
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"axis stand-in ended (code {self.process.returncode}); see {self.log_path}")
            try:
                if settings.exists() and requests.get(self.endpoint, timeout=2).status_code == 200:
                    return dict(line.split("=", 1) for line in settings.read_text(encoding="utf-8").splitlines()
                                if line.startswith("AXIS_"))
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise SystemExit(f"axis stand-in not ready after {HUB_START_TIMEOUT} s; see {self.log_path}")

    def pids(self) -> dict[int, str]:
        """The stand-in's processes, for the CPU report."""
        return {pid: HUB_GROUP for pid in [self.process.pid, *descendants(self.process.pid)]}

    def received(self, doc_ids: list[str]) -> dict[str, int]:
        """Of the packages the stand-in gave these ids: how many it holds, and deliveries by receiving system."""
        engine = create_engine(self.database_url)
        message, delivery = store.hub_message, store.hub_delivery
        with engine.connect() as connection:
            packages = connection.scalar(select(func.count()).where(message.c.doc_id.in_(doc_ids)))
            deliveries = dict(connection.execute(select(delivery.c.system_id, func.count())
                                                 .where(delivery.c.message_id.in_(doc_ids))
                                                 .group_by(delivery.c.system_id)).all())
        engine.dispose()
        return {"packages": packages or 0, **deliveries}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class OutboxMark:
    """The outbox before the clients start: the run's packages are the later ones (the demo province
    queued one of its own, to Văn phòng Chính phủ), its job runs the ones logged after."""

    def __init__(self, database_url: str):
        self.database_url, self.last_id = database_url, 0
        self.last_id = self._scalar("SELECT coalesce(max(id), 0) FROM outbox_message")
        self.at = datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # as Celery's log lines write it

    def _rows(self, sql: str) -> list:
        engine = create_engine(self.database_url)
        with engine.connect() as connection:
            rows = connection.execute(text(sql), {"last_id": self.last_id}).all()
        engine.dispose()
        return rows

    def _scalar(self, sql: str):
        return self._rows(sql)[0][0]

    def states(self) -> dict[str, int]:
        return dict(self._rows("SELECT state, count(*) FROM outbox_message WHERE kind = 'edoc' AND id > :last_id "
                               "GROUP BY state"))

    def drain(self, timeout: float) -> dict[str, int]:
        """Wait (up to `timeout` s) for the outbox job to send what the run released; return the states."""
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if not (states.get("pending", 0) + states.get("sending", 0)) or time.monotonic() >= deadline:
                return states
            time.sleep(2)

    def sent(self) -> list[tuple[str, float]]:
        """(the axis' id, seconds from release to sent) of each package of the run that was sent."""
        return [(remote_id, float(seconds)) for remote_id, seconds in self._rows(
            "SELECT remote_id, EXTRACT(EPOCH FROM sent_at - created_at) FROM outbox_message "
            "WHERE kind = 'edoc' AND state = 'sent' AND id > :last_id")]

    def send_job_runs(self, serve_log: Path) -> list[tuple[float, int]]:
        """(seconds, packages sent) of each run of the outbox job since the mark that sent something."""
        runs = []
        for line in serve_log.read_text(errors="replace").splitlines():
            found = SEND_JOB_LINE.search(line)
            if found and int(found.group(2)) and line[1:20] >= self.at:
                runs.append((float(found.group(1)), int(found.group(2))))
        return runs


def report_axis(released: int, in_window: int, share: float, interval: int, mark: OutboxMark, hub: AxisHub,
                serve_log: Path) -> None:
    states = mark.drain(interval + 60)
    sent = mark.sent()
    received = hub.received([remote_id for remote_id, _ in sent])
    print(f"\nLiên thông through the axis stand-in (--axis-share {share:g}, outbox job every {interval} s)")
    print(f"  outgoing documents released outside: {released} over the run ({in_window} in the window)")
    print("  their packages in the app's outbox: "
          + (", ".join(f"{k} {v}" for k, v in sorted(states.items())) or "none"))
    print(f"  the stand-in holds {received.pop('packages')} of the {len(sent)} sent; deliveries by receiving "
          "system: " + (", ".join(f"{k} {v}" for k, v in sorted(received.items())) or "none"))
    if sent:
        waits = [seconds for _, seconds in sent]
        print(f"  release → sent to the axis: p50 {_p(waits, 50) / 1000:.1f} s, p95 {_p(waits, 95) / 1000:.1f} s "
              "(the job's interval dominates; urgent documents go at once)")
    runs = mark.send_job_runs(serve_log)
    if runs:
        per_package = [seconds / count for seconds, count in runs]
        print(f"  outbox job runs that sent: {len(runs)}; run p50 {_p([s for s, _ in runs], 50):.0f} ms, "
              f"p95 {_p([s for s, _ in runs], 95):.0f} ms; per package p50 {_p(per_package, 50):.0f} ms, "
              f"p95 {_p(per_package, 95):.0f} ms (Celery's task time)")
