"""Văn bản đến at volume: the whole incoming process per document, then search and inbox at 200,000 documents.

Usage: .venv/bin/python bench/incoming.py [DATABASE_URL ...] [--documents N] [--large] [--fill TOTAL]
                                          [--runs R] [--explain]
Without URLs: a temporary SQLite file. A PostgreSQL URL's public schema is DROPPED first: point it
at a database of its own (createdb -h 127.0.0.1 -U postgres bench_incoming), never at one a test run uses.

1. Process: N documents (2,000; --large 20,000) go through the service layer as the web requests do,
   each step in its own request context and committed: receive_document (the clerk, origin paper),
   then complete_task for register → assign (lead unit + one supporting unit, due date) → dispatch_lead
   → dispatch_support → contribute → handle (finish). Prints documents per second and p50/p95 per
   completion, overall and per task spec (receive_document shown apart, it is not a completion);
   --warmup documents (5) go first and are not measured.
2. Volume: the database is then filled to --fill documents in total (200,000) with bulk inserts,
   all held by the bench agency (the worst case for its clerk's counts): varied Vietnamese subjects and
   issuers, search_text from receiving.searchable_text, statuses by age (recent ones open, old ones
   06), arrival numbers per book and year, received by one of two clerks, ~1% secret; for every
   document the subject participants its steps would have recorded (clerk, leader, unit heads,
   specialists: ~1.1 million rows), and for every open document a running process instance with the
   open task(s) its status implies — the task rows copied from what the real process made for the
   driven documents (so the people's inboxes are realistic). Completed fill documents have no instance.
3. Queries: p50/p95 of the clerk's search page — db.paginate(incoming_query(...), page=1,
   per_page=25), which includes the COUNT — per query kind, and of each person's inbox page
   (my_tasks_query, the view's default "khan" order, page 1). --explain prints EXPLAIN ANALYZE of
   one run of each kind (PostgreSQL).
Target (issue): search p95 < 200 ms with 200,000 documents on PostgreSQL.
"""
import argparse
import io
import random
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta

from fresh_database import database_urls, fresh_app
from incoming_documents import COMMUNES, RARE, random_document
from incoming_fill import fill
from sqlalchemy import event, func, select, text

from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User
from app.documents.folding import fold
from app.documents.metadata import parse_metadata
from app.documents.models import Document
from app.documents.receiving import receive_document
from app.documents.search import IncomingFilters, incoming_query
from app.extensions import db
from app.filestore import store_pdf
from app.vietnam_time import vietnam_today
from app.workflow.access import INBOX_ORDERS as INBOX_SORTS
from app.workflow.access import my_tasks_query
from app.workflow.deployment import sync_processes
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task
from tests.pdf_samples import minimal_pdf

SEARCH_TARGET_MS = 200
STEPS = ("register", "assign", "dispatch_lead", "dispatch_support", "contribute", "handle")
PER_PAGE = 25

# --- Setup and the process -----------------------------------------------------------------------

@contextmanager
def _request(app):
    """A request as the app serves it: its own app context, so its own session, removed at the end."""
    with app.app_context(), app.test_request_context():
        yield


def setup(app) -> dict:
    """One agency with a clerk (and a second clerk for filled documents), a leader, two units; the catalogue."""
    with _request(app):
        agency = Agency(code="000.00.98.B01", name="Sở Nội vụ đo hiệu năng", short_name="SNVĐO", kind="department")
        db.session.add(agency)
        db.session.flush()
        password_hash = hash_password("Mat-khau-bench-2026")

        def person(username, full_name, role, department=None):
            user = User(agency=agency, username=username, full_name=full_name, password_hash=password_hash,
                        department_id=department.id if department else None)
            user.set_roles([role])
            db.session.add(user)
            return user

        people = {"clerk": person("bench.vanthu", "Nguyễn Thị Văn Thư", "clerk"),
                  "clerk2": person("bench.vanthu2", "Lê Thị Văn Thư Hai", "clerk"),
                  "leader": person("bench.lanhdao", "Trần Văn Lãnh Đạo", "leader")}
        for n, (name, abbreviation) in enumerate((("Phòng Tổ chức", "TC"), ("Phòng Cải cách hành chính", "CCHC")), 1):
            department = Department(agency=agency, name=name, abbreviation=abbreviation)
            db.session.add(department)
            db.session.flush()
            people[f"unit{n}"] = department
            people[f"head{n}"] = person(f"bench.truongphong{n}", f"Phạm Văn Trưởng Phòng {n}", "unit_head", department)
            people[f"specialist{n}"] = person(f"bench.chuyenvien{n}", f"Hoàng Thị Chuyên Viên {n}", "specialist",
                                              department)
        report = sync_processes(catalogue(), app.config["BPMN_DIR"], app.config["FORMS_DIR"])
        assert report.problems == [], report.problems
        db.session.flush()
        stored = store_pdf(io.BytesIO(minimal_pdf("Van ban den do hieu nang")), "van-ban-den.pdf",
                           files_dir=app.config["FILES_DIR"], max_bytes=20 << 20)
        db.session.commit()
        ids = {name: thing.id for name, thing in people.items()}
        ids["agency"] = agency.id
        ids["usernames"] = {name: u.username for name, u in people.items() if isinstance(u, User)}
    return {"ids": ids, "pdf": stored}


def _steps(ids) -> list[tuple[str, str, dict]]:
    due = (vietnam_today() + timedelta(days=10)).isoformat()
    names = ids["usernames"]
    return [
        ("register", "clerk", {"route": "leader"}),
        ("assign", "leader", {"directing_opinion": "Phòng Tổ chức chủ trì, Phòng CCHC phối hợp; báo cáo trước hạn.",
                              "lead_department_id": ids["unit1"], "support_department_ids": [ids["unit2"]],
                              "due_date": due}),
        ("dispatch_lead", "head1", {"specialist": names["specialist1"]}),
        ("dispatch_support", "head2", {"specialist": names["specialist2"]}),
        ("contribute", "specialist2", {"contribution": "Số liệu phòng CCHC: 12 thủ tục đã rà soát"}),
        ("handle", "specialist1", {"handling_action": "finish", "handling_note": "Đã tham mưu văn bản trả lời",
                                   "reply_reference": "45/SNV-TCCB"}),
    ]


def _snapshot(row: HumanTask) -> dict:
    """An open task row as the process made it, to copy for the filled documents."""
    return {"spec_id": row.spec_id, "title": row.title, "lane": row.lane, "candidate_role": row.candidate_role,
            "candidate_department_id": row.candidate_department_id, "assigned_user_id": row.assigned_user_id,
            "candidates": [c.user_id for c in row.candidates]}


def drive_one(app, context, values, timings, templates) -> None:
    ids = context["ids"]
    with _request(app):
        clerk = db.session.get(User, ids["clerk"])
        started = time.perf_counter()
        received = receive_document(agency_id=ids["agency"], metadata=parse_metadata(values),
                                    main_file=context["pdf"], origin="paper", actor=clerk)
        db.session.commit()
        timings["receive_document"].append(time.perf_counter() - started)
        document_id, instance_id = received.document.id, received.document.instance_id
    for spec_id, who, data in _steps(ids):
        with _request(app):
            # What the task page's POST does first: the login loads the user, the URL names the task.
            actor = db.session.get(User, ids[who])
            row = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                             HumanTask.spec_id == spec_id)).one()
            if spec_id not in templates:
                templates[spec_id] = _snapshot(row)
            task_uuid = row.task_uuid
            started = time.perf_counter()
            complete_task(task_uuid, dict(data), actor=actor)
            db.session.commit()
            timings[spec_id].append(time.perf_counter() - started)
    with _request(app):
        status = db.session.scalar(select(Document.status_code).where(Document.id == document_id))
        assert status == "06", status


def _metadata_values(rng, today: date) -> dict:
    values = random_document(rng, today.year)
    values["issuer_code"] = ""  # the clerk types the name (codes must exist in the directory)
    values.pop("issuer_code_kept")
    values.update(document_date=(today - timedelta(days=rng.randint(0, 6))).strftime("%d/%m/%Y"),
                  urgency=str(values["urgency"]), secrecy=str(values["secrecy"]))
    return values


def drive(app, context, documents: int, warmup: int, rng) -> tuple[dict, float, dict]:
    templates: dict = {}
    today = vietnam_today()
    for _ in range(warmup):  # caches filled (spec per version, compiled scripts, statements)
        drive_one(app, context, _metadata_values(rng, today), defaultdict(list), templates)
    timings: dict = defaultdict(list)
    started = time.perf_counter()
    for n in range(documents):
        drive_one(app, context, _metadata_values(rng, today), timings, templates)
        if (n + 1) % 500 == 0:
            print(f"  … {n + 1} documents, {(n + 1) / (time.perf_counter() - started):.1f}/s", flush=True)
    return timings, documents / (time.perf_counter() - started), templates


def query_kinds(rng: random.Random) -> dict:
    """Query kind → a function giving the filters of one run (varied where the kind allows)."""
    today = vietnam_today()
    symbols = [f"{n}/{notation}" for n in (15, 7, 123, 1024, 88, 301) for notation in ("QĐ-UBND", "UBND-VP", "BC-SNV")]
    return {
        "list, no search": lambda: IncomingFilters(),
        "common: quyet dinh": lambda: IncomingFilters(q="quyết định"),
        "common: bao cao": lambda: IncomingFilters(q=rng.choice(("báo cáo", "bao cao"))),
        "uncommon: commune": lambda: IncomingFilters(q=rng.choice(COMMUNES)),
        "rare words": lambda: IncomingFilters(q=rng.choice(RARE)),
        "no match": lambda: IncomingFilters(q=rng.choice(("thủy điện Nậm Xé", "karaoke", "tên lửa đạn đạo"))),
        "so/ky hieu": lambda: IncomingFilters(q=fold(rng.choice(symbols))),
        "issuer, 2 words": lambda: IncomingFilters(q=rng.choice(("văn yên", "trấn yên", "nghĩa lộ", "tài chính",
                                                                 "nội vụ", "yên bái"))),
        "short words (<3)": lambda: IncomingFilters(q=rng.choice(("xã mồ dề", "y tế", "v/v kiểm tra", "bộ nội vụ"))),
        "common + 90 days": lambda: IncomingFilters(q=rng.choice(("kế hoạch", "báo cáo", "quyết định")),
                                                    date_from=today - timedelta(days=90), date_to=today),
        "365 days, no search": lambda: IncomingFilters(date_from=today - timedelta(days=365), date_to=today),
    }


class Capture:
    """The SQL statements (with parameters) sent while `on` is set."""

    def __init__(self, engine):
        self.on, self.statements = False, []
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.on:
            self.statements.append((statement, parameters))


def _p(values: list[float], q: int) -> float:
    """Percentile q (nearest rank, as bench/inbox.py) in milliseconds."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q / 100 + 0.5) - 1)] * 1000


def measure(app, context, runs: int, rng: random.Random, explain: bool) -> list[dict]:
    ids = context["ids"]
    kinds = query_kinds(rng)
    timings, totals = defaultdict(list), defaultdict(list)
    inbox_people = ("clerk", "leader", "head1", "specialist1")

    def search_once(kind):
        filters = kinds[kind]()
        with _request(app):
            actor = db.session.get(User, ids["clerk"])
            started = time.perf_counter()
            page = db.paginate(incoming_query(actor, filters), page=1, per_page=PER_PAGE, error_out=False)
            elapsed = time.perf_counter() - started
            assert len(page.items) == min(PER_PAGE, page.total)
        return elapsed, page.total

    def inbox_once(who):
        with _request(app):
            actor = db.session.get(User, ids[who])
            started = time.perf_counter()
            statement = my_tasks_query(actor).join(ProcessInstance).order_by(*INBOX_SORTS["khan"])
            page = db.paginate(statement, page=1, per_page=PER_PAGE, error_out=False)
            elapsed = time.perf_counter() - started
        return elapsed, page.total

    for kind in kinds:  # warm: plans, caches
        search_once(kind)
    for who in inbox_people:
        inbox_once(who)
    for _ in range(runs):  # round robin, so every kind sees the same machine
        for kind in kinds:
            elapsed, total = search_once(kind)
            timings[("search", kind)].append(elapsed)
            totals[("search", kind)].append(total)
        for who in inbox_people:
            elapsed, total = inbox_once(who)
            timings[("inbox", who)].append(elapsed)
            totals[("inbox", who)].append(total)
    if explain and db.engine.dialect.name == "postgresql":
        _explain(app, ids, kinds)
    return [{"what": what, "kind": kind, "runs": len(values), "p50": _p(values, 50), "p95": _p(values, 95),
             "max": max(values) * 1000, "matches": statistics.median(totals[(what, kind)])}
            for (what, kind), values in timings.items()]


def _explain(app, ids, kinds) -> None:
    """EXPLAIN ANALYZE of the statements one search page sends (items, then count), per kind."""
    capture = Capture(db.engine)
    for kind, make in kinds.items():
        with _request(app):
            actor = db.session.get(User, ids["clerk"])
            capture.on, capture.statements = True, []
            db.paginate(incoming_query(actor, make()), page=1, per_page=PER_PAGE, error_out=False)
            capture.on = False
            statements = list(capture.statements)
            for statement, parameters in statements:
                plan = db.session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
                label = "count" if statement.lstrip().upper().startswith("SELECT COUNT") else "items"
                print(f"\n--- {kind} ({label}) params={parameters}\n" + "\n".join(plan))


# --- Report --------------------------------------------------------------------------------------

def print_process(backend: str, timings: dict, per_second: float, documents: int) -> None:
    completions = [t for spec in STEPS for t in timings[spec]]
    print(f"\n{backend}: {documents} documents through the whole process: {per_second:.1f} documents/s "
          f"({len(completions)} completions + {documents} receive_document)")
    print(f"{'':22s} {'n':>6s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    print(f"{'all completions':22s} {len(completions):6d} {_p(completions, 50):8.1f} {_p(completions, 95):8.1f} "
          f"{max(completions) * 1000:8.1f}")
    for spec in ("receive_document", *STEPS):
        values = timings[spec]
        print(f"{spec:22s} {len(values):6d} {_p(values, 50):8.1f} {_p(values, 95):8.1f} {max(values) * 1000:8.1f}")


def print_queries(backend: str, documents: int, rows: list[dict]) -> None:
    print(f"\n{backend}: {documents:,} documents; search = the clerk's db.paginate(incoming_query, page 1, "
          f"25 per page) incl. COUNT; inbox = my_tasks_query page 1")
    print(f"{'':8s} {'kind':22s} {'runs':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'matches':>9s}")
    for r in rows:
        print(f"{r['what']:8s} {r['kind']:22s} {r['runs']:5d} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} "
              f"{r['matches']:9,.0f}")
    worst = max(r["p95"] for r in rows if r["what"] == "search")
    verdict = "ok" if worst < SEARCH_TARGET_MS else "OVER TARGET"
    print(f"{backend}: worst search p95 {worst:.1f} ms (target < {SEARCH_TARGET_MS} ms): {verdict}")


def bench(url: str, args) -> None:
    rng = random.Random(20261125)
    work = tempfile.mkdtemp(prefix="bench-incoming-")
    with fresh_app(url, FILES_DIR=f"{work}/files", PKI_DIR=f"{work}/pki") as app:
        backend = db.engine.dialect.name
        context = setup(app)
        timings, per_second, templates = drive(app, context, args.documents, args.warmup, rng)
        print_process(backend, timings, per_second, args.documents)
        started = time.perf_counter()
        counts = fill(context, templates, args.fill, rng)
        if backend == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        total = db.session.scalar(select(func.count()).select_from(Document))
        db.session.remove()
        print(f"\n{backend}: filled to {total:,} documents in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())))
        rows = measure(app, context, args.runs, rng, args.explain)
        print_queries(backend, total, rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", metavar="DATABASE_URL")
    parser.add_argument("--documents", type=int, default=2000, help="documents driven through the process")
    parser.add_argument("--large", action="store_const", const=20_000, dest="documents",
                        help="20,000 documents through the process")
    parser.add_argument("--fill", type=int, default=200_000, help="documents in the database for the queries")
    parser.add_argument("--warmup", type=int, default=5, help="documents driven first and not measured")
    parser.add_argument("--runs", type=int, default=60, help="runs per query kind (at least 50 asked)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each search kind (PostgreSQL)")
    args = parser.parse_args(argv)
    for url in database_urls(args.urls):
        bench(url, args)


if __name__ == "__main__":
    main()
