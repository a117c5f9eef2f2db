"""Time task completions of giao việc through the JSON API, as a client sends them (one request each).

Usage: .venv/bin/python bench/api_completion.py [--instances N] [DATABASE_URL ...]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first.

Each completion is `POST /api/v1/tasks/<id>` through the app's WSGI interface (the Flask test client:
the whole request — token check, the front door's lock, form check, step, save, audit event, commit,
JSON answer — without a socket). The path is bench/engine.py's eleven completions. Prints the median
and p95 per request and the SQL statements per request.
"""
import argparse
import statistics
import time

from engine import LEADER, SPECIALIST, _p95, _path, _setup
from fresh_database import database_urls, fresh_app

PASSWORD = "Mat-khau-bench-2026"  # bench/engine.py's _setup gives both people this one


def _token(client, username: str) -> dict:
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def _instance(client, headers: dict, counter, path, times: list, statements: list) -> None:
    started = client.post("/api/v1/processes/assign_work/instances", headers=headers[LEADER])
    assert started.status_code == 201, started.get_json()
    task_id = started.get_json()["active_tasks"][0]["id"]
    for number, (spec_id, who, data) in enumerate(path, 1):
        counter.counting, counter.count = True, 0
        begun = time.perf_counter()
        done = client.post(f"/api/v1/tasks/{task_id}", headers=headers[who], json=data)
        times.append(time.perf_counter() - begun)
        counter.counting = False
        statements.append(counter.count)
        body = done.get_json()
        assert done.status_code == 200 and body["task_spec"] == spec_id, body
        active = body["instance"].get("active_tasks")
        if active is None:  # the answer names the instance; its next task is read apart, unmeasured
            state = client.get(f"/api/v1/instances/{body['instance']['id']}", headers=headers[LEADER]).get_json()
            active = state["active_tasks"]
        if number < len(path):
            task_id = active[0]["id"]


def bench(app, instances: int, warmup: int) -> dict:
    _user_ids, _bare, counter = _setup(app)
    client = app.test_client()
    headers = {LEADER: _token(client, LEADER), SPECIALIST: _token(client, SPECIALIST)}
    path = _path()
    for _ in range(warmup):
        _instance(client, headers, counter, path, [], [])
    times, statements = [], []
    for _ in range(instances):
        _instance(client, headers, counter, path, times, statements)
    return {"backend": app.extensions["sqlalchemy"].engines[None].dialect.name, "requests": len(times),
            "median": statistics.median(times) * 1000, "p95": _p95(times) * 1000,
            "statements": sum(statements) / len(statements)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--instances", type=int, default=50, help="measured instances per backend")
    parser.add_argument("--warmup", type=int, default=3, help="instances run first and not measured")
    args = parser.parse_args(argv)
    rows = []
    for url in database_urls(args.urls):
        with fresh_app(url) as app:
            rows.append(bench(app, args.instances, args.warmup))
    print(f"{'backend':10s} | {'requests':>8s} | {'median ms':>9s} | {'p95 ms':>8s} | {'SQL/request':>11s}")
    for r in rows:
        print(f"{r['backend']:10s} | {r['requests']:8d} | {r['median']:9.2f} | {r['p95']:8.2f} | "
              f"{r['statements']:11.1f}")


if __name__ == "__main__":
    main()
