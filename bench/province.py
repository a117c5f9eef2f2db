"""Province-year simulation: production mode on PostgreSQL driven over HTTP by the demo province's people.

Usage: .venv/bin/python bench/province.py [--clients N] [--duration S | --documents N] [--warmup S]
                                          [--kinds incoming,outgoing] [--workers W] [--threads T]
                                          [--offices N] [--units N] [--no-forms] [--database NAME]
                                          [--redis-db N] [--profile --py-spy PATH] [--keep]

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
     the task's form (GET /api/v1/tasks/<id>), then submits it (POST).
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
4. --profile: py-spy (`pip install py-spy`, or --py-spy PATH) samples the web workers over the window;
   prints self time by package and the app's functions on the stack. It slows the server: quote the
   throughput of a run without it.

Every process it started is stopped at the end, on Ctrl-C and on an error.
"""
import argparse
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests
from incoming import _metadata_values, _p
from outgoing import BODY
from province_cpu import CpuMonitor, descendants, print_profile, start_profile
from sqlalchemy import create_engine, text

from app.demo_cli import DEMO_PASSWORD
from app.vietnam_time import vietnam_today
from tests.pdf_samples import minimal_pdf

PROJECT_ROOT = Path(__file__).resolve().parent.parent
YEAR = {"incoming": 182_833, "outgoing": 88_350}
TARGET_SECONDS = {"incoming": 3600, "outgoing": 4 * 3600}
SIGNING_OFFICES = ("VPUBND", "SNV", "STC", "STP")  # the demo seed issues keys to their leaders and seals
PIN = "123456"  # DEMO_SIGNING_PIN's default, set for the server below
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


# --- The province's people ---------------------------------------------------------------------------

@dataclass
class Office:
    agency_id: int
    code: str
    short_name: str
    clerks: list = field(default_factory=list)
    leaders: list = field(default_factory=list)
    checkers: list = field(default_factory=list)
    units: dict = field(default_factory=lambda: defaultdict(lambda: {"unit_head": [], "specialist": []}))

    def staffed_units(self) -> list[int]:
        return sorted(d for d, people in self.units.items() if people["unit_head"] and people["specialist"])


def cast(offices: dict[int, Office], incoming_offices: int, units: int) -> dict[int, Office]:
    """The people who act in the run: every signing office (drafting offices of the outgoing documents) and
    `incoming_offices` others, each with its clerks and leaders and, for up to `units` staffed units, one
    head and one specialist per unit. Each person logs in once before the run, as a day's first login."""
    chosen = {}
    for office in sorted(offices.values(), key=lambda o: (o.short_name not in SIGNING_OFFICES, o.agency_id)):
        if not (office.clerks and office.leaders and len(office.staffed_units()) >= 2):
            continue
        if office.short_name not in SIGNING_OFFICES and incoming_offices <= 0:
            continue
        incoming_offices -= office.short_name not in SIGNING_OFFICES
        kept = Office(office.agency_id, office.code, office.short_name, office.clerks[:1], office.leaders[:1],
                      office.checkers[:1])
        for department in office.staffed_units()[:units]:
            for role in ("unit_head", "specialist"):
                kept.units[department][role] = office.units[department][role][:1]
        chosen[office.agency_id] = kept
    return chosen


def everyone(offices: dict[int, Office]) -> list[str]:
    names = []
    for office in offices.values():
        names += office.clerks + office.leaders + office.checkers
        for people in office.units.values():
            names += people["unit_head"] + people["specialist"]
    return sorted(set(names))


def read_offices(database_url: str) -> dict[int, Office]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        agencies = connection.execute(text("SELECT id, code, short_name FROM agency WHERE active")).all()
        people = connection.execute(text(
            'SELECT u.username, u.agency_id, u.department_id, r.role FROM "user" u '
            "JOIN user_role r ON r.user_id = u.id WHERE u.active AND NOT u.must_change_password "
            "ORDER BY u.id")).all()
    engine.dispose()
    offices = {a.id: Office(a.id, a.code, a.short_name) for a in agencies}
    for username, agency_id, department_id, role in people:
        office = offices[agency_id]
        if role == "clerk":
            office.clerks.append(username)
        elif role == "leader":
            office.leaders.append(username)
        elif role == "format_checker":
            office.checkers.append(username)
        elif role in ("unit_head", "specialist") and department_id is not None:
            office.units[department_id][role].append(username)
    return offices


# --- Clients -------------------------------------------------------------------------------------------

class Refused(Exception):
    """An answer the step did not expect: the document is abandoned and counted as an error."""


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.window = (float("inf"), float("inf"))
        self.times: dict[str, list[float]] = defaultdict(list)
        self.done: dict[str, int] = defaultdict(int)
        self.errors: list[str] = []
        self.error_count = 0

    def inside(self, at: float) -> bool:
        return self.window[0] <= at <= self.window[1]

    def request(self, kind: str, began: float, ended: float) -> None:
        if self.inside(began) and self.inside(ended):
            with self.lock:
                self.times[kind].append(ended - began)

    def document(self, kind: str, ended: float) -> None:
        if self.inside(ended):
            with self.lock:
                self.done[kind] += 1

    def error(self, message: str) -> None:
        with self.lock:
            self.error_count += 1
            if len(self.errors) < 8:
                self.errors.append(message[:400])


class People:
    """Every person logs in once (their own Bearer token, as a day's first login) and sends their requests with
    it; the connections are the client thread's own, kept alive and reused by whoever that client acts as
    next, as a load balancer's pool does (an idle kept-alive connection is closed by gunicorn after 2 s)."""

    def __init__(self, base_url: str, recorder: Recorder, open_forms: bool):
        self.base_url, self.recorder, self.open_forms = base_url, recorder, open_forms
        self.tokens: dict[str, dict] = {}
        self.login_times: list[float] = []
        self.lock = threading.Lock()
        self.local = threading.local()
        self.all_sessions: list[requests.Session] = []

    def _session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = self.local.session = requests.Session()
            with self.lock:
                self.all_sessions.append(session)
        return session

    def login(self, username: str) -> None:
        began = time.monotonic()
        answer = self._session().post(f"{self.base_url}/api/v1/auth/login",
                                      json={"username": username, "password": DEMO_PASSWORD}, timeout=60)
        if answer.status_code != 200:
            raise Refused(f"login {username}: {answer.status_code} {answer.text[:200]}")
        with self.lock:
            self.login_times.append(time.monotonic() - began)
            self.tokens[username] = {"Authorization": f"Bearer {answer.json()['token']}"}

    def send(self, who: str, kind: str, method: str, path: str, **kwargs) -> requests.Response:
        began = time.monotonic()
        answer = self._session().request(method, f"{self.base_url}{path}", headers=self.tokens[who], timeout=180,
                                         **kwargs)
        self.recorder.request(kind, began, time.monotonic())
        return answer

    def call(self, who: str, kind: str, method: str, path: str, expect: int = 200, **kwargs):
        answer = self.send(who, kind, method, path, **kwargs)
        if answer.status_code != expect:
            raise Refused(f"{kind} as {who}: {answer.status_code} {answer.text[:300]}")
        return answer.json()

    def close(self) -> None:
        for session in self.all_sessions:
            session.close()


def take_task(people: People, who: str, instance_id: int, spec_id: str, data: dict) -> dict:
    """As a person does it: open the case, open the step's form, submit it. Without forms (--no-forms, a
    lean client): a case with one open task gets it posted at once."""
    case = people.call(who, "GET instance", "GET", f"/api/v1/instances/{instance_id}")
    if not people.open_forms and len(case["active_tasks"]) == 1:
        task_id = case["active_tasks"][0]["id"]
        return people.call(who, f"POST task {spec_id}", "POST", f"/api/v1/tasks/{task_id}", json=data)
    for task in case["active_tasks"]:
        opened = people.send(who, "GET task (form)", "GET", f"/api/v1/tasks/{task['id']}")
        if opened.status_code == 200 and opened.json()["spec_id"] == spec_id:
            return people.call(who, f"POST task {spec_id}", "POST", f"/api/v1/tasks/{task['id']}", json=data)
    raise Refused(f"{who} found no {spec_id} task in instance {instance_id}: {case['active_tasks']}")


def drive_incoming(people: People, office: Office, rng: random.Random, pdf: bytes) -> None:
    clerk = rng.choice(office.clerks)
    values = _metadata_values(rng, vietnam_today())
    values["secrecy"] = "0"  # secret ones take other people's paths; the bench drives the common one
    files = {"file": ("van-ban-den.pdf", io.BytesIO(pdf), "application/pdf")}
    answer = people.send(clerk, "POST incoming (receive)", "POST", "/api/v1/documents/incoming", files=files,
                         data={"metadata": json.dumps(values)})
    if answer.status_code == 409:  # the duplicate warning: the clerk confirms it is another document
        values["confirm_duplicate"] = True
        files["file"][1].seek(0)
        answer = people.call(clerk, "POST incoming (receive)", "POST", "/api/v1/documents/incoming", expect=201,
                             files=files, data={"metadata": json.dumps(values)})
    elif answer.status_code != 201:
        raise Refused(f"incoming as {clerk}: {answer.status_code} {answer.text[:300]}")
    else:
        answer = answer.json()
    instance_id = answer["instance_id"]
    lead, support = rng.sample(office.staffed_units(), 2)
    lead_specialist = rng.choice(office.units[lead]["specialist"])
    support_specialist = rng.choice(office.units[support]["specialist"])
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    take_task(people, clerk, instance_id, "register", {"route": "leader"})
    take_task(people, rng.choice(office.leaders), instance_id, "assign", {
        "directing_opinion": "Đơn vị chủ trì tham mưu, đơn vị phối hợp cung cấp số liệu; báo cáo trước hạn.",
        "lead_department_id": lead, "support_department_ids": [support], "due_date": due})
    take_task(people, rng.choice(office.units[lead]["unit_head"]), instance_id, "dispatch_lead",
              {"specialist": lead_specialist})
    take_task(people, rng.choice(office.units[support]["unit_head"]), instance_id, "dispatch_support",
              {"specialist": support_specialist})
    take_task(people, support_specialist, instance_id, "contribute",
              {"contribution": "Số liệu của đơn vị phối hợp: 12 thủ tục đã rà soát."})
    take_task(people, lead_specialist, instance_id, "handle",
              {"handling_action": "finish", "handling_note": "Đã tham mưu văn bản trả lời",
               "reply_reference": "45/SNV-TCCB"})


def drive_outgoing(people: People, office: Office, recipients: list[Office], rng: random.Random, n: int) -> None:
    unit = rng.choice(office.staffed_units())
    specialist = rng.choice(office.units[unit]["specialist"])
    leader = rng.choice(office.leaders)
    started = people.call(specialist, "POST start outgoing", "POST", "/api/v1/processes/outgoing_document/instances",
                          expect=201)
    instance_id = started["id"]
    draft = next(t for t in started["active_tasks"])
    people.call(specialist, "POST task draft", "POST", f"/api/v1/tasks/{draft['id']}", json={
        "doc_type": "CV", "subject": f"Rà soát văn bản đi, văn bản đến năm 2026 (đợt {n})", "body": BODY,
        "recipients": [rng.choice(recipients).code], "signer": leader, "authority": "TL.",
        "authority_of": "Chủ tịch", "urgency": 0, "secrecy": 0})
    take_task(people, rng.choice(office.units[unit]["unit_head"]), instance_id, "review_content",
              {"decision": "approve"})
    take_task(people, rng.choice(office.checkers), instance_id, "check_format", {"decision": "approve"})
    take_task(people, leader, instance_id, "sign", {"decision": "sign", "pin": PIN})
    take_task(people, rng.choice(office.clerks), instance_id, "issue", {})


def client_loop(number: int, args, people: People, recorder: Recorder, offices: dict[int, Office],
                stop: threading.Event, budget: dict) -> None:
    rng = random.Random(20261206 + number)
    incoming_offices = list(offices.values())
    senders = [o for o in offices.values() if o.short_name in SIGNING_OFFICES
               and o.clerks and o.leaders and o.checkers and o.staffed_units()]
    pdf = minimal_pdf("Van ban den tinh", pages=2)
    kinds = args.kinds
    weights = [YEAR[kind] for kind in kinds]
    n = 0
    while not stop.is_set():
        with budget["lock"]:
            if budget["left"] is not None:
                if budget["left"] <= 0:
                    return
                budget["left"] -= 1
        kind = rng.choices(kinds, weights=weights)[0]
        n += 1
        try:
            if kind == "incoming":
                drive_incoming(people, rng.choice(incoming_offices), rng, pdf)
            else:
                sender = rng.choice(senders)
                drive_outgoing(people, sender, [o for o in senders if o is not sender], rng, number * 100000 + n)
            recorder.document(kind, time.monotonic())
        except (Refused, requests.RequestException, KeyError, ValueError) as error:
            recorder.error(f"{kind}: {type(error).__name__}: {error}")


# --- Report --------------------------------------------------------------------------------------------

def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "∞"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


def report(args, recorder: Recorder, cpu: dict, window: float, load: tuple) -> None:
    print(f"\nProduction mode: {args.workers} web processes × {args.threads} threads, Celery concurrency "
          f"{args.celery}, PostgreSQL; {args.clients} think-free clients; measured window {window:.0f} s "
          f"(after {args.warmup:.0f} s warm-up); {'forms opened' if args.forms else 'lean client (no forms)'}; "
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
    for group in ("web (gunicorn)", "worker (celery worker + beat)", "database (this db's backends)",
                  "postgres shared/others", "supervisor + flask", "bench (clients)"):
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
    parser.add_argument("--no-forms", dest="forms", action="store_false",
                        help="lean client: no GET of the task's form when the case has one open task")
    parser.add_argument("--kinds", default="incoming,outgoing", help="incoming, outgoing or both")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
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
    args = parser.parse_args(argv)
    args.kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not args.kinds or set(args.kinds) - set(YEAR):
        parser.error("--kinds: incoming, outgoing or both")

    stop = threading.Event()

    def ask_to_stop(_signum, _frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, ask_to_stop)

    database_url = f"{args.postgres}/{args.database}"
    recreate_database(f"{args.postgres}/postgres", args.database)
    instance = Path(tempfile.mkdtemp(prefix="bench-province-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WORKERS": str(args.workers),
           "THREADS": str(args.threads), "CELERY_CONCURRENCY": str(args.celery), "DATABASE_URL": database_url,
           "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{args.redis_db}", "SERVE_PREPARE": "1",
           "SEED_DEMO": "1", "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-province",
           "SIGNING_KEY_PASSPHRASE": "bench-province-seal", "DEMO_SIGNING_PIN": PIN, "SERVE_ROLES": "web,worker,beat"}
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
        people = People(base_url, recorder, open_forms=args.forms)
        names = everyone(offices)
        started = time.monotonic()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(people.login, names))
        print(f"{len(names)} people of {len(offices)} offices logged in, {time.monotonic() - started:.0f} s "
              f"(login p50 {_p(people.login_times, 50):.0f} ms, p95 {_p(people.login_times, 95):.0f} ms: "
              "scrypt; not in the window)", flush=True)
        budget = {"lock": threading.Lock(), "left": args.documents}
        load_before = os.getloadavg()
        for number in range(args.clients):
            thread = threading.Thread(target=client_loop, daemon=True,
                                      args=(number, args, people, recorder, offices, stop, budget))
            threads.append(thread)
            thread.start()
        time.sleep(args.warmup)
        if args.profile:
            profile_path = instance / "web-profile.txt"
            profiler = start_profile(args.py_spy, server.process.pid, args.duration, profile_path)
        cpu = CpuMonitor(server.process.pid, args.database)
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
        if args.keep:
            print(f"instance directory kept: {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
