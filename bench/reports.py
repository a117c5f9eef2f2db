"""Báo cáo at a province-year: statistics and handling-performance pages, and the year's exports.

Usage: .venv/bin/python bench/reports.py [DATABASE_URL ...] [--documents N] [--runs R] [--reuse]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it
at a database of its own (createdb -h 127.0.0.1 -U postgres bench_reports), never at one a test run uses.

1. Fill (bulk inserts): the customer's province — 90 agencies (21 departments, 9 districts, 42 communes,
   18 service units), 4,129 accounts spread over their units — and one closed year of documents:
   --documents in all (271,000: 182,833 incoming, 88,350 outgoing, the article's ratio), agencies
   weighted so the largest departments receive about 6,400 a year. Incoming documents have the status
   trail their steps write (01, 03, 04, 05, 06: ≈ 0.9 million status rows), lead unit and person, due
   date, completion (on time or late), ~1% secret, edXML and signatures; outgoing ones a released draft
   (signed, drafting unit, drafter) and two recipients, 40% through the axis.
2. Facts: the job's first run (refresh_document_facts, full) over the whole year, timed; then an
   incremental run after 200 documents change status, timed.
3. Pages, through the test client as a signed-in province-wide auditor and an agency leader (session,
   query, template): the statistics page for the year and a quarter, the performance page by agency,
   and within the largest agency by unit and by person; p50/p95 over --runs runs each.
4. Exports of the province's year: statistics and performance as XLSX, CSV and PDF, timed.
Targets (issue 16): pages p95 < 500 ms, a full-year province export < 10 s (PostgreSQL).
"""
import argparse
import random
import re
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from datetime import time as day_time

from flask import g
from fresh_database import database_urls, fresh_app
from incoming_documents import random_document
from sqlalchemy import func, insert, select, text

from app import create_app
from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User, UserRole
from app.documents.models import Document, StatusChange
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.extensions import db
from app.reports.facts import refresh_document_facts
from app.reports.models import DocumentFact
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM, vietnam_today

PAGE_TARGET_MS, EXPORT_TARGET_S = 500, 10
PASSWORD = "Mat-khau-bench-2026"
KINDS = [("department", 21), ("district", 9), ("commune", 42), ("service_unit", 18)]
ACCOUNTS = 4129
BATCH = 5000


def _p(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q / 100 + 0.5) - 1)] * 1000


def fill_directory(rng) -> dict:
    """The province: agencies, units, people (one leader and one clerk per agency)."""
    agencies = []
    n = 0
    for kind, count in KINDS:
        for i in range(count):
            n += 1
            agencies.append({"code": f"000.{n // 100:02d}.{n % 100:02d}.H98"[-13:], "name": f"{kind} {i + 1} đo báo cáo",
                             "short_name": f"A{n}", "kind": kind, "active": True, "is_demo": False,
                             "created_at": utcnow()})
    agency_ids = db.session.execute(insert(Agency).returning(Agency.id, sort_by_parameter_order=True),
                                    agencies).scalars().all()
    weights = {aid: (8.0 if a["kind"] == "department" else 2.0 if a["kind"] == "district" else
                     0.6 if a["kind"] == "commune" else 0.8) for aid, a in zip(agency_ids, agencies)}
    departments = []
    for agency_id in agency_ids:
        for u in range(rng.randint(3, 8) if weights[agency_id] > 1 else 2):
            departments.append({"agency_id": agency_id, "name": f"Phòng {u + 1}", "abbreviation": f"P{u + 1}",
                                "active": True})
    department_ids = db.session.execute(insert(Department).returning(Department.id, Department.agency_id,
                                                                     sort_by_parameter_order=True), departments).all()
    units = {}
    for department_id, agency_id in department_ids:
        units.setdefault(agency_id, []).append(department_id)
    password_hash = hash_password(PASSWORD)
    total_weight = sum(weights.values())
    users, roles = [], []
    for agency_id in agency_ids:
        share = max(6, round(ACCOUNTS * weights[agency_id] / total_weight))
        for k in range(share):
            department = None if k < 2 else rng.choice(units[agency_id])
            users.append({"agency_id": agency_id, "username": f"bc{agency_id}.{k}", "full_name": f"Người {agency_id}.{k}",
                          "job_title": "", "department_id": department, "password_hash": password_hash,
                          "active": True, "province_wide": False, "must_change_password": False,
                          "created_at": utcnow()})
    user_rows = db.session.execute(insert(User).returning(User.id, User.agency_id, User.department_id,
                                                          sort_by_parameter_order=True), users).all()
    people = {}
    seen: dict[int, int] = {}
    for user_id, agency_id, department_id in user_rows:
        k = seen.get(agency_id, 0)
        seen[agency_id] = k + 1
        role = "leader" if k == 0 else "clerk" if k == 1 else "specialist"
        roles.append({"user_id": user_id, "role": role})
        if department_id:
            people.setdefault(department_id, []).append(user_id)
    db.session.execute(insert(UserRole), roles)
    auditor = User(agency_id=agency_ids[0], username="bc.kiemtoan", full_name="Kiểm toán tỉnh",
                   password_hash=password_hash, province_wide=True)
    auditor.set_roles(["auditor"])
    db.session.add(auditor)
    db.session.commit()
    leaders = dict(db.session.execute(select(User.agency_id, User.username).join(UserRole).where(
        UserRole.role == "leader")).all())
    clerks = dict(db.session.execute(select(User.agency_id, User.id).join(UserRole).where(UserRole.role == "clerk")).all())
    return {"agencies": agency_ids, "weights": weights, "units": units, "people": people, "leaders": leaders,
            "clerks": clerks, "auditor": auditor.username}


def _at(day: date, rng, start_hour=7, end_hour=17) -> datetime:
    return datetime.combine(day, day_time(rng.randint(start_hour, end_hour - 1), rng.randint(0, 59)), VIETNAM)


def fill_documents(world: dict, total: int, year: int, rng) -> dict:
    incoming_share = 182_833 / (182_833 + 88_350)
    agencies = world["agencies"]
    weights = [world["weights"][a] for a in agencies]
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(365 if year % 4 else 366)]
    workdays = [d for d in days if d.weekday() < 5]
    counts = {"incoming": 0, "outgoing": 0, "status rows": 0, "recipients": 0}
    for start in range(0, total, BATCH):
        rows, plans = [], []
        for _ in range(min(BATCH, total - start)):
            agency = rng.choices(agencies, weights=weights)[0]
            day = rng.choice(workdays) if rng.random() < 0.97 else rng.choice(days)
            meta = random_document(rng, year)
            incoming = rng.random() < incoming_share
            received = _at(day, rng)
            unit = rng.choice(world["units"][agency])
            lead_user = rng.choice(world["people"].get(unit, [None]))
            row = {"agency_id": agency, "direction": "incoming" if incoming else "outgoing",
                   "origin": rng.choices(("edxml", "internal", "paper"), weights=(55, 30, 15))[0] if incoming
                   else "internal", "doc_type": meta["doc_type"], "number": meta["number"], "notation": meta["notation"],
                   "issuer_code": meta["issuer_code_kept"], "issuer_name": meta["issuer_name"], "document_date": day,
                   "subject": meta["subject"], "urgency": meta["urgency"], "secrecy": meta["secrecy"],
                   "signer_name": meta["signer_name"], "received_at": received,
                   "received_by_id": world["clerks"][agency], "search_text": "", "status_code": "06",
                   "signature_verdicts": [{"verdict": "valid"}] if incoming and rng.random() < 0.7 else [],
                   "registered_at": None, "lead_department_id": None, "lead_user_id": None, "due_date": None,
                   "completed_at": None}
            steps = []
            if incoming:
                registered = received + timedelta(hours=rng.choice((0.5, 2, 5, 20, 26, 50)))
                assigned = registered + timedelta(hours=rng.choice((1, 4, 24, 30, 72)))
                due = (assigned + timedelta(days=rng.randint(5, 15))).astimezone(VIETNAM).date()
                completed = assigned + timedelta(days=rng.choice((2, 4, 6, 9, 12, 16, 25)), hours=rng.randint(0, 8))
                still_open = rng.random() < 0.04
                row.update(registered_at=registered, lead_department_id=unit, lead_user_id=lead_user, due_date=due,
                           status_code="05" if still_open else "06", completed_at=None if still_open else completed)
                steps = [("01", received), ("03", registered), ("04", assigned), ("05", assigned + timedelta(hours=3))]
                if not still_open:
                    steps.append(("06", completed))
            rows.append(row)
            plans.append((steps, None if incoming else (day, received, unit, lead_user, rng.random() < 0.4)))
        ids = db.session.execute(insert(Document.__table__).returning(Document.__table__.c.id,
                                                                      sort_by_parameter_order=True), rows).scalars().all()
        statuses, drafts, recipients = [], [], []
        for document_id, (steps, outgoing) in zip(ids, plans):
            statuses += [{"document_id": document_id, "code": code, "at": moment, "note": "",
                          "notice_pending": False} for code, moment in steps]
            if outgoing:
                day, received, unit, drafter, axis = outgoing
                drafts.append({"document_id": document_id, "body": "", "extra_recipient_lines": [], "authority": "",
                               "authority_of": "", "department_id": unit, "drafter_id": drafter, "stage": "released",
                               "signed_at": received, "issued_at": received + timedelta(minutes=20),
                               "released_at": received + timedelta(minutes=30)})
                recipients += [{"draft_id": document_id, "position": 0, "code": "000.00.00.G22", "name": "VPCP",
                                "exchange_state": "sent" if axis else ""},
                               {"draft_id": document_id, "position": 1, "code": "000.00.01.H98", "name": "UBND",
                                "exchange_state": ""}]
                counts["outgoing"] += 1
            else:
                counts["incoming"] += 1
        db.session.execute(insert(StatusChange), statuses)
        if drafts:
            db.session.execute(insert(OutgoingDraft), drafts)
            db.session.execute(insert(OutgoingRecipient), recipients)
        counts["status rows"] += len(statuses)
        counts["recipients"] += len(recipients)
        db.session.commit()
    return counts


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def timed_refresh(app, **kwargs) -> tuple[int, float]:
    with app.app_context():
        started = time.perf_counter()
        read = refresh_document_facts(**kwargs)
        db.session.commit()
        return read, time.perf_counter() - started


def change_some(app, how_many: int, rng) -> None:
    """Complete a few open documents, as the day's work would (status 06 now)."""
    with app.app_context():
        open_ids = db.session.scalars(select(Document.id).where(Document.status_code == "05").limit(how_many)).all()
        now = utcnow()
        for document_id in open_ids:
            db.session.execute(Document.__table__.update().where(Document.id == document_id)
                               .values(status_code="06", completed_at=now))
            db.session.add(StatusChange(document_id=document_id, code="06", at=now, note=""))
        db.session.commit()


class Client:
    """A browser session. The bench runs inside one app context, whose `g` would carry the previous
    request's signed-in user into the next: each request starts with an empty `g`, as in a server."""

    def __init__(self, app):
        self.client = app.test_client()

    def get(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return self.client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        return self.client.post(*args, **kwargs)


def signed_in(app, username: str) -> Client:
    client = Client(app)
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    answer = client.post("/dang-nhap", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert answer.status_code == 302, answer.status_code
    return client


def measure_pages(app, world, year: int, runs: int) -> list[tuple]:
    largest = max(world["agencies"], key=lambda a: world["weights"][a] * len(world["units"][a]))
    auditor, leader = signed_in(app, world["auditor"]), signed_in(app, world["leaders"][largest])
    year_args = {"period": "year", "year": year}
    cases = [
        ("statistics, province, year", auditor, "/bao-cao/thong-ke", year_args),
        ("statistics, province, quarter", auditor, "/bao-cao/thong-ke", {"period": "quarter", "year": year,
                                                                          "quarter": 2}),
        ("statistics, leader, year", leader, "/bao-cao/thong-ke", year_args),
        ("performance, province by agency", auditor, "/bao-cao/hieu-qua-xu-ly", year_args),
        ("performance, agency by unit", auditor, "/bao-cao/hieu-qua-xu-ly", {**year_args, "agency": largest}),
        ("performance, agency by person", auditor, "/bao-cao/hieu-qua-xu-ly", {**year_args, "agency": largest,
                                                                                 "group": "person"}),
        ("performance, leader by unit", leader, "/bao-cao/hieu-qua-xu-ly", year_args),
    ]
    results = []
    for name, client, url, args in cases:
        assert client.get(url, query_string=args).status_code == 200  # warm
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            answer = client.get(url, query_string=args)
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200
        results.append((name, len(timings), _p(timings, 50), _p(timings, 95), max(timings) * 1000))
    exports = []
    for url in ("/bao-cao/thong-ke", "/bao-cao/hieu-qua-xu-ly"):
        for output in ("xlsx", "csv", "pdf"):
            started = time.perf_counter()
            answer = auditor.get(url, query_string={**year_args, "dinh-dang": output})
            exports.append((f"{url} {output}", time.perf_counter() - started, len(answer.data)))
            assert answer.status_code == 200
    return results, exports


def world_from_database() -> dict:
    """The province a previous run filled (--reuse)."""
    agencies = db.session.scalars(select(Agency.id).where(Agency.name.like("% đo báo cáo"))).all()
    weights = dict(db.session.execute(select(Document.agency_id, func.count()).group_by(Document.agency_id)).all())
    units: dict = {}
    for department_id, agency_id in db.session.execute(select(Department.id, Department.agency_id)):
        units.setdefault(agency_id, []).append(department_id)
    leaders = dict(db.session.execute(select(User.agency_id, User.username).join(UserRole).where(
        UserRole.role == "leader")).all())
    return {"agencies": agencies, "weights": weights, "units": units, "leaders": leaders, "auditor": "bc.kiemtoan"}


@contextmanager
def reused_app(url: str, **config):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **config})
    with app.app_context():
        yield app


def bench(url: str, args) -> None:
    rng = random.Random(20261206)
    work = tempfile.mkdtemp(prefix="bench-reports-")
    year = vietnam_today().year - 1
    opened = reused_app if args.reuse else fresh_app
    with opened(url, FILES_DIR=f"{work}/files", PKI_DIR=f"{work}/pki", BACKGROUND_JOBS=False) as app:
        backend = db.engine.dialect.name
        started = time.perf_counter()
        if args.reuse:
            world = world_from_database()
        else:
            world = fill_directory(rng)
            counts = fill_documents(world, args.documents, year, rng)
            analyze()
            print(f"\n{backend}: filled {args.documents:,} documents of {year} in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f"; {len(world['agencies'])} agencies",
                  flush=True)
        db.session.remove()
        if not args.reuse or args.rebuild:
            read, seconds = timed_refresh(app, full=True)
            facts = db.session.scalar(select(func.count()).select_from(DocumentFact))
            db.session.remove()
            print(f"{backend}: facts, full run: {read:,} documents read, {facts:,} facts, {seconds:.1f} s", flush=True)
            analyze()
        change_some(app, 200, rng)
        read, seconds = timed_refresh(app)
        print(f"{backend}: facts, incremental run after 200 completions: {read:,} documents read, {seconds * 1000:.0f} ms")
        db.session.remove()
        results, exports = measure_pages(app, world, year, args.runs)
        print(f"\n{backend}: pages through the test client (session, queries, template)")
        print(f"{'':34s} {'runs':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
        for name, runs, p50, p95, worst in results:
            print(f"{name:34s} {runs:5d} {p50:8.1f} {p95:8.1f} {worst:8.1f}")
        worst_page = max(r[3] for r in results)
        print(f"{backend}: worst page p95 {worst_page:.1f} ms (target < {PAGE_TARGET_MS} ms): "
              f"{'ok' if worst_page < PAGE_TARGET_MS else 'OVER TARGET'}")
        for name, seconds, size in exports:
            print(f"export {name:34s} {seconds:6.2f} s {size:>10,} bytes")
        worst_export = max(e[1] for e in exports)
        print(f"{backend}: slowest export {worst_export:.2f} s (target < {EXPORT_TARGET_S} s): "
              f"{'ok' if worst_export < EXPORT_TARGET_S else 'OVER TARGET'}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--documents", type=int, default=271_000, help="documents of the year (all agencies)")
    parser.add_argument("--runs", type=int, default=40, help="runs per page")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database a previous run filled (no drop, no fill, facts kept)")
    parser.add_argument("--rebuild", action="store_true", help="with --reuse: time a full facts run again")
    args = parser.parse_args(argv)
    for url in database_urls(args.urls):
        bench(url, args)


if __name__ == "__main__":
    main()
