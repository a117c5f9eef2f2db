"""The served stack's fixed cost per request: what any step of a document pays before its own work.

Usage: .venv/bin/python bench/request_floor.py [--clients N] [--duration S] [--warmup S] [--workers W]
                                               [--threads T] [--database NAME] [--redis-db N]

Starts production mode on PostgreSQL as bench/province.py does (gunicorn, Celery, its own database), logs the
province's people in, then drives, one kind after the other, think-free clients sending requests that do
(almost) nothing of their own:
- `GET /healthz`: gunicorn, Flask's request and response, one pooled connection's `SELECT 1`;
- `GET /api/v1/notifications?per_page=1`: the same plus the Bearer token's lookup, the person and their page
  of notices (empty: nobody has any) — the cheapest authenticated API answer.
For each it prints requests/s and the CPU per request of the web processes and of the database's backends,
then what seven of the authenticated kind (the seven requests of an incoming document) take of the
incoming target's budget (1 h for the customer's 182,833 documents on this machine's cores).
"""
import argparse
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from incoming import _p
from province import Server, production_instance
from province_cpu import CpuMonitor
from province_people import YEAR, People, Recorder, cast, everyone, read_offices

KINDS = {"healthz": "/healthz", "authenticated": "/api/v1/notifications?per_page=1"}
STEPS_PER_INCOMING = 7
WEB, DATABASE = "web (gunicorn)", "database (this db's backends)"


def drive(people: People, names: list[str], path: str, kind: str, clients: int, seconds: float) -> int:
    """Think-free clients for `seconds`; returns the requests answered 200."""
    deadline = time.monotonic() + seconds
    counts = [0] * clients

    def client(number: int) -> None:
        who = names[number % len(names)]
        while time.monotonic() < deadline:
            if people.send(who, kind, "GET", path).status_code == 200:
                counts[number] += 1
            else:
                raise SystemExit(f"{kind}: unexpected answer")

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts)


def measure(server: Server, people: People, recorder: Recorder, names: list[str], args, kind: str) -> dict:
    drive(people, names, KINDS[kind], kind, args.clients, args.warmup)
    cpu = CpuMonitor(server.process.pid, args.database)
    cpu.start()
    recorder.window = (time.monotonic(), float("inf"))
    answered = drive(people, names, KINDS[kind], kind, args.clients, args.duration)
    recorder.window = (recorder.window[0], time.monotonic())
    figures = cpu.stop()
    return {"answered": answered, "wall": figures["wall"], "web": figures["groups"].get(WEB, 0.0),
            "database": figures["groups"].get(DATABASE, 0.0)}


def report(results: dict, recorder: Recorder, args) -> None:
    print(f"\nProduction mode: {args.workers} web processes × {args.threads} threads, PostgreSQL; "
          f"{args.clients} think-free clients; {args.duration:.0f} s per kind after {args.warmup:.0f} s")
    print(f"\n{'request':15s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'web CPU ms':>11s} {'db CPU ms':>10s} "
          f"{'total ms':>9s}")
    for kind, result in results.items():
        n = result["answered"] or 1
        web, database = 1000 * result["web"] / n, 1000 * result["database"] / n
        times = recorder.times[kind]
        print(f"{KINDS[kind][:15]:15s} {n / result['wall']:8.0f} {_p(times, 50):8.1f} {_p(times, 95):8.1f} "
              f"{web:11.2f} {database:10.2f} {web + database:9.2f}")
    floor = results["authenticated"]
    per_request = 1000 * (floor["web"] + floor["database"]) / (floor["answered"] or 1)
    budget = 1000 * (os.cpu_count() or 1) * 3600 / YEAR["incoming"]
    print(f"\nIncoming target: {YEAR['incoming']:,} documents in 1 h on {os.cpu_count()} cores = {budget:.1f} ms "
          f"of CPU per document; {STEPS_PER_INCOMING} authenticated requests doing nothing of their own take "
          f"{STEPS_PER_INCOMING * per_request:.1f} ms of it ({100 * STEPS_PER_INCOMING * per_request / budget:.0f} %), "
          f"leaving {budget - STEPS_PER_INCOMING * per_request:.1f} ms for the engine, the state, the inbox, "
          "the audit chain and the document's own writes of all seven steps.")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent think-free clients")
    parser.add_argument("--duration", type=float, default=30, help="seconds measured per kind")
    parser.add_argument("--warmup", type=float, default=5, help="seconds driven first per kind, not measured")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn process (production mode's default: 1)")
    parser.add_argument("--database", default="bench_floor", help="PostgreSQL database (dropped, recreated)")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL without the database")
    parser.add_argument("--redis-db", type=int, default=12, help="Redis database number for Celery")
    args = parser.parse_args(argv)

    database_url, instance, base_url, env = production_instance(
        args.postgres, args.database, "floor", workers=args.workers, threads=args.threads, celery=1,
        redis_db=args.redis_db)
    server = Server(env, instance / "serve.log")
    people = None
    try:
        print(f"Production mode on {base_url}, database {args.database}, log {instance / 'serve.log'} …", flush=True)
        server.wait_ready(base_url)
        names = everyone(cast(read_offices(database_url), 4, 1))
        recorder = Recorder()
        people = People(base_url, recorder, client="integration")
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(people.login, names))
        results = {kind: measure(server, people, recorder, names, args, kind) for kind in KINDS}
        report(results, recorder, args)
    except KeyboardInterrupt:
        print("\nInterrupted: stopping production mode.", file=sys.stderr)
    finally:
        if people is not None:
            people.close()
        server.stop()
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
