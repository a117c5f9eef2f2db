"""p50/p95 of the "Việc của tôi" page and of the home page (Trang chủ) with 100,000 open tasks in the database.

Usage: .venv/bin/python bench/inbox.py [DATABASE_URL ...]   (default: a temporary SQLite file)
A PostgreSQL URL's public schema is DROPPED first: point it at a scratch database.
Requests go through the real app (login, session, query, template) with Flask's test client.
"""
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from fresh_database import database_urls, fresh_app
from sqlalchemy import insert, select, text

from app.auth.passwords import hash_password
from app.directory.models import Agency, User, UserRole
from app.extensions import db
from app.workflow.models import HumanTask, HumanTaskCandidate, ProcessInstance, ProcessVersion

TASKS, AGENCIES, USERS_PER_AGENCY, REQUESTS = 100_000, 90, 40, 300
PASSWORD = "Bench-2026-pw"


def populate(rng: random.Random) -> list[str]:
    now = datetime.now(timezone.utc)
    pw = hash_password(PASSWORD)
    db.session.execute(insert(Agency), [
        {"code": f"000.{a // 100:02d}.{a % 100:02d}.B01", "name": f"Cơ quan {a}", "short_name": f"CQ{a}",
         "kind": "department", "active": True, "is_demo": True, "created_at": now} for a in range(AGENCIES)])
    agency_ids = db.session.scalars(select(Agency.id).order_by(Agency.id)).all()
    db.session.execute(insert(User), [
        {"username": f"u{a}_{n}", "full_name": f"Người {a}-{n}", "job_title": "Chuyên viên", "agency_id": agency_id,
         "password_hash": pw, "active": True, "province_wide": False, "must_change_password": False,
         "created_at": now} for a, agency_id in enumerate(agency_ids) for n in range(USERS_PER_AGENCY)])
    users = db.session.execute(select(User.id, User.agency_id, User.username)).all()
    db.session.execute(insert(UserRole), [{"user_id": u.id, "role": "specialist"} for u in users])
    # Each agency's first two people also lead and keep its documents: their home page reads the agency's parts.
    db.session.execute(insert(UserRole), [{"user_id": u.id, "role": role} for u in users
                                          for suffix, role in (("_0", "leader"), ("_1", "clerk"))
                                          if u.username.endswith(suffix)])
    by_agency: dict[int, list] = {}
    for u in users:
        by_agency.setdefault(u.agency_id, []).append(u)
    version = ProcessVersion(process_id="assign_work", number=1, content_sha256="0" * 64, bpmn_xml="",
                             forms={}, spec_json="{}", serializer_version="1.5")
    db.session.add(version)
    db.session.flush()
    instances, tasks = [], []
    for n in range(TASKS):
        agency_id = agency_ids[n % AGENCIES]
        instances.append({"process_version_id": version.id, "process_id": "assign_work", "title": f"Hồ sơ {n}",
                          "status": "running", "state_json": "{}", "serializer_version": "1.5", "lock_version": 1,
                          "agency_id": agency_id, "started_at": now, "updated_at": now})
    db.session.execute(insert(ProcessInstance), instances)
    instance_rows = db.session.execute(select(ProcessInstance.id, ProcessInstance.agency_id)).all()
    for row in instance_rows:
        people = by_agency[row.agency_id]
        assigned = rng.choice(people).id if rng.random() < 0.5 else None
        tasks.append({"instance_id": row.id, "task_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                      "spec_id": "report", "title": "Báo cáo kết quả", "lane": "Chuyên viên",
                      "agency_id": row.agency_id, "candidate_role": "specialist", "assigned_user_id": assigned,
                      "due_at": now + timedelta(days=rng.randint(-5, 20)), "urgency": rng.choice((0, 0, 0, 1, 2, 3)),
                      "created_at": now})
    db.session.execute(insert(HumanTask), tasks)
    task_rows = db.session.execute(select(HumanTask.id, HumanTask.agency_id, HumanTask.assigned_user_id)).all()
    candidates = []
    for row in task_rows:
        if row.assigned_user_id is None:
            for person in rng.sample(by_agency[row.agency_id], 5):
                candidates.append({"task_id": row.id, "user_id": person.id})
    db.session.execute(insert(HumanTaskCandidate), candidates)
    db.session.commit()
    return [u.username for u in users]


def bench(url: str) -> None:
    rng = random.Random(7)
    with fresh_app(url, WTF_CSRF_ENABLED=False) as app:
        started = time.perf_counter()
        usernames = populate(rng)
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        fill_seconds = time.perf_counter() - started
        backend = db.engine.dialect.name
    print(f"{backend:10s} {TASKS:,} open tasks (filled in {fill_seconds:.0f} s)")
    inbox = measure(app, rng, usernames, lambda n: "/viec-cua-toi" + (
        "?sap_xep=han" if n % 3 == 1 else "?page=2" if n % 3 == 2 else ""))
    report(backend, "inbox", inbox)
    # Every tenth request by a leader or clerk of the agency (their home page has the agency's parts too).
    keepers = [name for name in usernames if name.endswith(("_0", "_1"))]
    home = measure(app, rng, usernames, lambda n: "/", people_for=lambda n: keepers if n % 10 == 0 else usernames)
    report(backend, "home page", home)


def measure(app, rng: random.Random, usernames: list[str], path_for, people_for=None) -> list[float]:
    """Milliseconds of one warm request per signed-in person, REQUESTS people."""
    timings = []
    for n in range(REQUESTS):
        client = app.test_client()
        people = people_for(n) if people_for else usernames
        client.post("/dang-nhap", data={"username": rng.choice(people), "password": PASSWORD})
        path = path_for(n)
        client.get(path)  # warm this client's session
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return sorted(timings)


def report(backend: str, page: str, timings: list[float]) -> None:
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{backend:10s} {page}: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms "
          f"over {REQUESTS} requests (target p95 < 100 ms)")


if __name__ == "__main__":
    for database_url in database_urls(sys.argv[1:]):
        bench(database_url)
