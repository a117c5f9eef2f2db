"""Province-year simulation: production mode on PostgreSQL driven over HTTP by the demo province's people.

Usage: .venv/bin/python bench/province.py [--clients N] [--duration S | --documents N] [--warmup S]
                                          [--kinds incoming,outgoing] [--workers W] [--threads T]
                                          [--offices N] [--units N] [--client people|lean|integration]
                                          [--database NAME]
                                          [--redis-db N] [--profile --py-spy PATH] [--keep]
                                          [--axis-share F] [--outbox-interval S]

1. Drops and creates its own PostgreSQL database (--database, default bench_province; a name starting with
   "test" is refused: those belong to test runs), then starts production mode (`python -m app.serving`:
   gunicorn + Celery worker + beat, SERVE_PREPARE=1 so migrations, the demo province and the processes are
   prepared) on a free port, with INSTANCE_PATH (files, PKI, audit anchor log) in a temporary directory.
2. N client threads, think-free, each picking the next document at the customer's ratio (182,833 incoming :
   88,350 outgoing in a year) and driving it through the JSON API as the people do it, every person with
   their own logged-in session (POST /api/v1/auth/login, Bearer token), in the demo province's agencies:
   - incoming (7 steps): the clerk enters it (POST /api/v1/documents/incoming, metadata + PDF), then
     register (clerk) → assign (a leader: lead + supporting unit, due date) → dispatch_lead and
     dispatch_support (each unit's head names a specialist) → contribute (supporting specialist) → handle
     (lead specialist, finish). Before each step the person opens the case (GET /api/v1/instances/<id>) and
     the task's form (GET /api/v1/tasks/<id>), then submits it (POST). --client lean opens only the case;
     --client integration opens neither: it posts the step the last answer named (7 requests a document).
   - outgoing: a specialist of Văn phòng UBND tỉnh, Sở Nội vụ, Sở Tài chính or Sở Tư pháp (the offices
     with demo keys) starts the process and drafts a two-page công văn to another of them → the unit head
     reviews → the format checker approves → a leader signs (PAdES, demo key, PIN) → the clerk issues
     (number, agency seal, release to the recipient: rendering and both signatures included).
3. Prints documents/s per kind (documents whose last step ended inside the measured window), p50/p95 per
   request kind, CPU of the web (gunicorn), worker (Celery worker + beat) and database processes (the
   backends of this database; PostgreSQL's shared background processes apart, they also serve other
   databases) and of the whole machine, and the projected time of the customer's year against the targets
   (incoming ≤ 1 h, i.e. ≥ 51 documents/s; outgoing ≤ 4 h). The machine may be shared (test runs): the
   CPU measured per document also gives the rate both cores would give to the installation alone.
   The people (every signing office and --offices others, one head and one specialist in each of --units
   units) log in before the run, as a day's first login (scrypt: timed apart, not in the window).
   The documents released to the signing offices wait there at "receive" (not driven further).
   A share of the outgoing documents (--axis-share, default 0.05: the customer sent 4,500 of its 88,350
   outgoing documents through the national axis, to ministries and other provinces, in the same period)
   goes instead to an agency outside the installation — a ministry or a Lào Cai office — so its release
   queues an edXML package that the outbox job (Celery beat → worker, every --outbox-interval s) sends to
   the axis stand-in, which the bench starts first (`flask exchange hub --demo`, as `make hub`; its own
   SQLite database in the instance directory) and wires in through the AXIS_* settings it writes. After
   the window the clients finish their documents, the bench waits for the outbox to drain and reports the
   documents released outside, the outbox's states, the packages the stand-in received, the release → sent
   wait and the outbox job's run times (from the worker's log); the stand-in's CPU is a group of its own,
   not in the installation's CPU per document (the national axis is not the province's machine).
4. --profile: py-spy (`pip install py-spy`, or --py-spy PATH) samples the web workers over the window;
   prints self time by package and the app's functions on the stack. It slows the server: quote the
   throughput of a run without it.

Every process it started is stopped at the end, on Ctrl-C and on an error.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from incoming import _p
from province_axis import HUB_GROUP, AxisHub, OutboxMark, outside_agencies, report_axis
from province_cpu import CpuMonitor, descendants, print_profile, start_profile
from province_people import (
    CLIENTS,
    OUTSIDE_KIND,
    PIN,
    YEAR,
    People,
    Recorder,
    cast,
    client_loop,
    everyone,
    read_offices,
)
from sqlalchemy import create_engine, text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = {"incoming": 3600, "outgoing": 4 * 3600}
SERVER_START_TIMEOUT = 900


# --- The database and the server -----------------------------------------------------------------

def recreate_database(admin_url: str, name: str) -> None:
    if name.lower().startswith("test") or not name.replace("_", "").isalnum():
        raise SystemExit(f"--database {name!r}: choose a name of its own (not test*, letters, digits, _)")
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_instance(postgres: str, database: str, name: str, *, workers: int, threads: int, celery: int,
                        redis_db: int) -> tuple[str, Path, str, dict]:
    """A fresh database and instance directory for production mode, and the environment that starts it
    there: (database URL, instance directory, base URL, environment)."""
    database_url = f"{postgres}/{database}"
    recreate_database(f"{postgres}/postgres", database)
    instance = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    port = free_port()
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WORKERS": str(workers),
           "THREADS": str(threads), "CELERY_CONCURRENCY": str(celery), "DATABASE_URL": database_url,
           "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}", "SERVE_PREPARE": "1",
           "SEED_DEMO": "1", "INSTANCE_PATH": str(instance), "SECRET_KEY": f"bench-{name}",
           "SIGNING_KEY_PASSPHRASE": f"bench-{name}-seal", "DEMO_SIGNING_PIN": PIN, "SERVE_ROLES": "web,worker,beat"}
    return database_url, instance, f"http://127.0.0.1:{port}", env


class Server:
    """`python -m app.serving` as a child in its own session, its output in a log file; stop() ends it and
    any of its children still alive."""

    def __init__(self, env: dict, log_path: Path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([sys.executable, "-m", "app.serving"], cwd=PROJECT_ROOT, env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.known: set[int] = set()

    def wait_ready(self, base_url: str) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"production mode ended (code {self.process.returncode}); see {self.log_path}")
            try:
                if requests.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    self.known |= set(descendants(self.process.pid))
                    return
            except requests.RequestException:
                pass
            time.sleep(1)
        raise SystemExit(f"production mode not ready after {SERVER_START_TIMEOUT} s; see {self.log_path}")

    def stop(self) -> None:
        self.known |= set(descendants(self.process.pid))
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the supervisor stops gunicorn, Celery worker and beat
            try:
                self.process.wait(timeout=70)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self.known:  # anything the supervisor left (by pid: only what this run started)
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.log.close()


# --- Report --------------------------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "∞"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


def report(args, recorder: Recorder, cpu: dict, window: float, load: tuple) -> None:
    print(f"\nProduction mode: {args.workers} web processes × {args.threads} threads, Celery concurrency "
          f"{args.celery}, PostgreSQL; {args.clients} think-free clients; measured window {window:.0f} s "
          f"(after {args.warmup:.0f} s warm-up); client {args.client}; "
          f"load average before/after: {load[0]} / {load[1]}")
    print(f"\n{'kind':10s} {'documents':>9s} {'docs/s':>8s} {'year':>9s} {'projected':>12s} {'target':>8s}")
    for kind in args.kinds:
        done = recorder.done[kind]
        rate = done / window if window else 0.0
        projected = YEAR[kind] / rate if rate else float("inf")
        verdict = "ok" if projected <= TARGET_SECONDS[kind] else "OVER TARGET"
        print(f"{kind:10s} {done:9d} {rate:8.2f} {YEAR[kind]:9,d} {_duration(projected):>12s} "
              f"{_duration(TARGET_SECONDS[kind]):>8s}  {verdict} (needs {YEAR[kind] / TARGET_SECONDS[kind]:.1f}/s)")
    total = sum(recorder.done[k] for k in args.kinds)
    if total and len(args.kinds) == 2:
        year = sum(YEAR.values()) / (total / window)
        print(f"whole year mixed at this rate ({sum(YEAR.values()):,} documents): {_duration(year)}")
    print(f"errors (documents abandoned): {recorder.error_count}")
    for message in recorder.errors:
        print(f"  {message}")
    print(f"\n{'request kind':34s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for kind in sorted(recorder.times, key=lambda k: -_p(recorder.times[k], 50)):
        values = recorder.times[kind]
        print(f"{kind:34s} {len(values):6d} {_p(values, 50):8.1f} {_p(values, 95):8.1f} {max(values) * 1000:8.1f}")
    wall = cpu["wall"]
    print(f"\nCPU over the window ({wall:.0f} s; 100% = one core; the machine has {os.cpu_count()} cores)")
    hub = (HUB_GROUP,) if HUB_GROUP in cpu["groups"] else ()
    for group in ("web (gunicorn)", "worker (celery worker + beat)", "database (this db's backends)",
                  "postgres shared/others", "supervisor + flask", "bench (clients)", *hub):
        seconds = cpu["groups"].get(group, 0.0)
        print(f"  {group:34s} {seconds:8.1f} s  {100 * seconds / wall:6.1f}%")
    busy = cpu["machine_busy"]
    print(f"  {'whole machine (all users)':34s} {busy:8.1f} s  {100 * busy / wall:6.1f}% "
          f"of {100 * os.cpu_count()}%")
    if total:
        server = sum(cpu["groups"].get(group, 0.0) for group in (
            "web (gunicorn)", "worker (celery worker + beat)", "database (this db's backends)"))
        mix = " + ".join(f"{recorder.done[k]} {k}" for k in args.kinds)
        print(f"  web + worker + database CPU per document ({mix}): {1000 * server / total:.0f} ms")
        # Other users of the machine (test runs) take CPU from the installation: what both cores would give.
        alone = os.cpu_count() / (server / total)
        print(f"  CPU-bound estimate with both cores to the installation: {alone:.2f} documents/s of this mix"
              + "".join(f"; {k} year {_duration(YEAR[k] / (alone * recorder.done[k] / total))}"
                        for k in args.kinds if recorder.done[k]))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=12, help="concurrent think-free clients")
    parser.add_argument("--duration", type=float, default=120, help="seconds measured (after the warm-up)")
    parser.add_argument("--warmup", type=float, default=20, help="seconds driven first and not measured")
    parser.add_argument("--documents", type=int, help="stop after this many documents started (instead of time)")
    parser.add_argument("--offices", type=int, default=16, help="offices receiving incoming documents, besides "
                        "the four signing offices (which receive too)")
    parser.add_argument("--units", type=int, default=3, help="units per office (one head, one specialist each)")
    parser.add_argument("--client", choices=CLIENTS, default="people", help="how a client finds each step: "
                        "people open the case and the form; lean open the case only; integration follow the answers")
    parser.add_argument("--kinds", default="incoming,outgoing", help="incoming, outgoing or both")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn process (production mode's default: 1)")
    parser.add_argument("--celery", type=int, default=os.cpu_count() or 1, help="Celery concurrency")
    parser.add_argument("--database", default="bench_province", help="PostgreSQL database (dropped, recreated)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL without the database")
    parser.add_argument("--redis-db", type=int, default=13, help="Redis database number for Celery")
    parser.add_argument("--profile", action="store_true", help="sample the web workers with py-spy over the "
                        "window and print where the time goes (py-spy slows them: throughput figures of a profiled "
                        "run are not the ones to quote)")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy", help="the py-spy program")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance directory")
    parser.add_argument("--axis-share", type=float, default=0.05, help="share of the outgoing documents sent "
                        "outside through the axis stand-in (0: no stand-in); default: the customer's 4,500 of "
                        "88,350")
    parser.add_argument("--outbox-interval", type=int, default=30, help="seconds between runs of the outbox "
                        "job (EXCHANGE_OUTBOX_INTERVAL_SECONDS; 30 is production's default)")
    args = parser.parse_args(argv)
    args.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not args.kinds or set(args.kinds) - set(YEAR):
        parser.error("--kinds: incoming, outgoing or both")
    if not 0 <= args.axis_share <= 1:
        parser.error("--axis-share: between 0 and 1")
    if "outgoing" not in args.kinds:
        args.axis_share = 0.0

    stop = threading.Event()

    def ask_to_stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, ask_to_stop)

    database_url, instance, base_url, env = production_instance(
        args.postgres, args.database, "province", workers=args.workers, threads=args.threads, celery=args.celery,
        redis_db=args.redis_db)
    hub, args.outside = None, outside_agencies() if args.axis_share else []
    if args.axis_share:
        hub = AxisHub(instance / "hub", free_port())
        try:
            env.update(hub.wait_ready(), EXCHANGE_OUTBOX_INTERVAL_SECONDS=str(args.outbox_interval))
        except BaseException:
            hub.stop()
            raise
        print(f"Axis stand-in on {hub.endpoint}, log {hub.log_path}", flush=True)
    server = Server(env, instance / "serve.log")
    people = profiler = None
    threads: list[threading.Thread] = []
    try:
        started = time.monotonic()
        print(f"Production mode on {base_url}, database {args.database}, log {instance / 'serve.log'} …", flush=True)
        server.wait_ready(base_url)
        print(f"ready in {time.monotonic() - started:.0f} s (migrations, demo province, processes)", flush=True)
        offices = cast(read_offices(database_url), args.offices, args.units)
        recorder = Recorder()
        people = People(base_url, recorder, client=args.client)
        names = everyone(offices)
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(people.login, names))
        print(f"{len(names)} people of {len(offices)} offices logged in, {time.monotonic() - started:.0f} s "
              f"(login p50 {_p(people.login_times, 50):.0f} ms, p95 {_p(people.login_times, 95):.0f} ms: "
              "scrypt; not in the window)", flush=True)
        budget = {"lock": threading.Lock(), "left": args.documents}
        load_before = os.getloadavg()
        mark = OutboxMark(database_url) if hub else None
        for number in range(args.clients):
            thread = threading.Thread(target=client_loop, daemon=True,
                                      args=(number, args, people, recorder, offices, stop, budget))
            threads.append(thread)
            thread.start()
        time.sleep(args.warmup)
        if args.profile:
            profile_path = instance / "web-profile.txt"
            profiler = start_profile(args.py_spy, server.process.pid, args.duration, profile_path)
        cpu = CpuMonitor(server.process.pid, args.database, hub.pids() if hub else None)
        cpu.start()
        window_start = time.monotonic()
        recorder.window = (window_start, float("inf"))
        if args.documents is None:
            deadline = window_start + args.duration
            while time.monotonic() < deadline:
                time.sleep(min(15, max(0.1, deadline - time.monotonic())))
                print(f"  … {time.monotonic() - window_start:4.0f} s: "
                      + ", ".join(f"{k} {recorder.done[k]}" for k in args.kinds)
                      + f", errors {recorder.error_count}", flush=True)
            window_end = time.monotonic()
            recorder.window = (window_start, window_end)
        else:
            for thread in threads:
                thread.join()
            window_end = time.monotonic()
            recorder.window = (window_start, window_end)
        figures = cpu.stop()
        load_after = os.getloadavg()
        stop.set()
        report(args, recorder, figures, window_end - window_start,
               (" ".join(f"{v:.2f}" for v in load_before), " ".join(f"{v:.2f}" for v in load_after)))
        if profiler is not None:
            profiler.wait(timeout=120)
            print_profile(profile_path)
        for thread in threads:
            thread.join(timeout=200)
        if hub is not None:
            report_axis(recorder.released_outside, recorder.done[OUTSIDE_KIND], args.axis_share,
                        args.outbox_interval, mark, hub, instance / "serve.log")
    except KeyboardInterrupt:
        print("\nInterrupted: stopping production mode.", file=sys.stderr)
    finally:
        stop.set()
        if profiler is not None and profiler.poll() is None:
            profiler.kill()
            profiler.wait()
        if people is not None:
            people.close()
        server.stop()
        if hub is not None:
            hub.stop()
        if args.keep:
            print(f"instance directory kept: {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
