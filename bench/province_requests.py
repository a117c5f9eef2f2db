"""Where a province document's time goes, request by request: bench/province.py's clients, in one process.

Usage: .venv/bin/python bench/province_requests.py [--kinds incoming,outgoing] [--documents N] [--warmup N]
                                                   [--client KIND] [--profile KIND] [--top N]
                                                   [--database NAME]

Drops and recreates its own PostgreSQL database (default bench_requests; names starting with "test" are
refused), prepares it as production mode does (migrations, the demo province, the processes), then drives
documents one after another through the same JSON API calls as bench/province.py, through the app's WSGI
interface (the Flask test client: no socket, no other process), as the same people. For each request kind
it prints the median and mean CPU time of the app's thread (PostgreSQL's own CPU is not in it: see
bench/province.py) and the SQL statements sent. --profile KIND (a request kind, e.g. "GET instance", or
"all") runs cProfile over those requests and prints the functions with the most cumulative and own time.
"""
import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from province import recreate_database  # noqa: E402
from province_people import (  # noqa: E402
    CLIENTS,
    DEMO_PASSWORD,
    PIN,
    SIGNING_OFFICES,
    People,
    Refused,
    cast,
    drive_incoming,
    drive_outgoing,
    everyone,
    read_offices,
)
from sqlalchemy import event  # noqa: E402

from tests.pdf_samples import minimal_pdf  # noqa: E402


class Answer:
    """The little of requests.Response that the drivers read, over a Flask test response."""

    def __init__(self, response):
        self.status_code, self.text = response.status_code, response.get_data(as_text=True)
        self._json = response.get_json(silent=True)

    def json(self):
        return self._json


class Costs:
    def __init__(self, profile_kind: str | None):
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.profile_kind = profile_kind
        self.profiler = cProfile.Profile(time.thread_time) if profile_kind else None  # CPU, as measured
        self.count = 0
        self.recording = False

    def statement(self, *_args) -> None:
        self.count += 1


class InProcessPeople(People):
    """bench/province.py's People, sending through the test client; every person logs in once."""

    def __init__(self, test_client, costs: Costs, client: str):  # not super().__init__: it keeps HTTP sessions
        self.test_client, self.costs, self.client = test_client, costs, client
        self.tokens: dict[str, dict] = {}

    def login(self, username: str) -> None:
        answer = self.test_client.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD})
        if answer.status_code != 200:
            raise Refused(f"login {username}: {answer.status_code}")
        self.tokens[username] = {"Authorization": f"Bearer {answer.get_json()['token']}"}

    def send(self, who: str, kind: str, method: str, path: str, *, files=None, data=None, json=None) -> Answer:
        if files:  # requests' (name, stream, type) become the test client's (stream, name, type)
            data = {**(data or {}), **{key: (stream, name, kind_) for key, (name, stream, kind_) in files.items()}}
        costs = self.costs
        profiling = costs.recording and costs.profiler is not None and costs.profile_kind in ("all", kind)
        costs.count = 0
        began = time.thread_time()
        if profiling:
            costs.profiler.enable()
        response = self.test_client.open(path, method=method, headers=self.tokens[who], data=data, json=json)
        if profiling:
            costs.profiler.disable()
        spent = time.thread_time() - began
        if costs.recording:
            costs.cpu[kind].append(spent * 1000)
            costs.statements[kind].append(costs.count)
        return Answer(response)


def prepare(app) -> None:
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed-demo"], ["processes", "sync"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(command)} failed: {result.output}{result.exception!r}")


def drive(people, offices: dict, kind: str, rng: random.Random, pdf: bytes, n: int) -> None:
    if kind == "incoming":
        drive_incoming(people, rng.choice(list(offices.values())), rng, pdf)
        return
    senders = [o for o in offices.values() if o.short_name in SIGNING_OFFICES
               and o.clerks and o.leaders and o.checkers and o.staffed_units()]
    sender = rng.choice(senders)
    drive_outgoing(people, sender, [o for o in senders if o is not sender], rng, n)


def report(costs: Costs, documents: dict[str, int], top: int) -> None:
    print(f"\n{'request kind':34s} {'n':>5s} {'CPU p50 ms':>11s} {'mean ms':>8s} {'SQL/req':>8s}")
    for kind in sorted(costs.cpu, key=lambda k: -sum(costs.cpu[k])):
        times = costs.cpu[kind]
        print(f"{kind:34s} {len(times):5d} {statistics.median(times):11.1f} {statistics.fmean(times):8.1f} "
              f"{statistics.fmean(costs.statements[kind]):8.1f}")
    total = sum(sum(times) for times in costs.cpu.values())
    count = sum(documents.values())
    print(f"\napp CPU per document ({', '.join(f'{n} {k}' for k, n in documents.items())}): {total / count:.0f} ms"
          f" (PostgreSQL's own CPU not included)")
    if costs.profiler is not None:
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(costs.profiler, stream=out).sort_stats(order).print_stats(top)
            print(f"\n--- cProfile of {costs.profile_kind!r}, by {order} ---")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="incoming", help="incoming, outgoing or both (taken in turn)")
    parser.add_argument("--documents", type=int, default=30, help="documents of each kind measured")
    parser.add_argument("--warmup", type=int, default=5, help="documents of each kind driven first, not measured")
    parser.add_argument("--client", choices=CLIENTS, default="people", help="as bench/province.py's --client")
    parser.add_argument("--profile", metavar="KIND", help='cProfile this request kind ("all" for every one)')
    parser.add_argument("--top", type=int, default=40, help="functions listed by the profile")
    parser.add_argument("--database", default="bench_requests", help="PostgreSQL database (dropped, recreated)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL without the database")
    args = parser.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if not kinds or set(kinds) - {"incoming", "outgoing"}:
        parser.error("--kinds: incoming, outgoing or both")

    recreate_database(f"{args.postgres}/postgres", args.database)
    database_url = f"{args.postgres}/{args.database}"
    os.environ["INSTANCE_PATH"] = tempfile.mkdtemp(prefix="bench-requests-")  # files, keys, anchor log
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-requests",
                      "BACKGROUND_JOBS": False, "DEMO_SIGNING_PIN": PIN, "SIGNING_KEY_PASSPHRASE": "bench-requests"})
    costs = Costs(args.profile)
    with app.app_context():
        prepare(app)
        event.listen(db.engine, "before_cursor_execute", costs.statement)
    offices = cast(read_offices(database_url), 16, 3)
    people = InProcessPeople(app.test_client(), costs, args.client)
    for name in everyone(offices):
        people.login(name)
    rng, pdf, n = random.Random(20261206), minimal_pdf("Van ban den tinh", pages=2), 0
    for measured, count in ((False, args.warmup), (True, args.documents)):
        costs.recording = measured
        for _ in range(count):
            for kind in kinds:
                n += 1
                drive(people, offices, kind, rng, pdf, n)
    report(costs, {kind: args.documents for kind in kinds}, args.top)


if __name__ == "__main__":
    main()
