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
import uuid
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from fresh_database import database_urls, fresh_app
from sqlalchemy import event, func, insert, select, text

from app.auth.passwords import hash_password
from app.directory.models import Agency, Department, User
from app.documents.folding import fold
from app.documents.metadata import parse_metadata
from app.documents.models import Document, NumberSequence, RegisterBook
from app.documents.numbering import ensure_default_books
from app.documents.receiving import receive_document, searchable_text
from app.documents.search import IncomingFilters, incoming_query
from app.documents.storage import store_pdf
from app.extensions import db
from app.vietnam_time import VIETNAM, vietnam_today
from app.workflow.access import my_tasks_query
from app.workflow.deployment import latest_version, sync_processes
from app.workflow.models import HumanTask, HumanTaskCandidate, ProcessInstance, SubjectParticipant
from app.workflow.registry import catalogue
from app.workflow.runtime import complete_task
from app.workflow.views import SORTS as INBOX_SORTS
from tests.pdf_samples import minimal_pdf

SEARCH_TARGET_MS = 200
STEPS = ("register", "assign", "dispatch_lead", "dispatch_support", "contribute", "handle")
PER_PAGE = 25

# --- Vietnamese documents ------------------------------------------------------------------------

ISSUERS = [  # (name, code): a code for agencies of the province, none for outside ones
    ("UBND huyện Văn Yên", "000.00.11.H62"), ("UBND huyện Trấn Yên", "000.00.12.H62"),
    ("UBND huyện Lục Yên", "000.00.13.H62"), ("UBND huyện Yên Bình", "000.00.14.H62"),
    ("UBND huyện Văn Chấn", "000.00.15.H62"), ("UBND huyện Trạm Tấu", "000.00.16.H62"),
    ("UBND huyện Mù Cang Chải", "000.00.17.H62"), ("UBND thị xã Nghĩa Lộ", "000.00.18.H62"),
    ("UBND thành phố Yên Bái", "000.00.19.H62"), ("Văn phòng UBND tỉnh", "000.00.01.H62"),
    ("Sở Tài chính", "000.00.21.H62"), ("Sở Kế hoạch và Đầu tư", "000.00.22.H62"),
    ("Sở Nội vụ", "000.00.23.H62"), ("Sở Y tế", "000.00.24.H62"), ("Sở Giáo dục và Đào tạo", "000.00.25.H62"),
    ("Sở Tài nguyên và Môi trường", "000.00.26.H62"), ("Sở Nông nghiệp và Phát triển nông thôn", "000.00.27.H62"),
    ("Sở Giao thông vận tải", "000.00.28.H62"), ("Sở Xây dựng", "000.00.29.H62"), ("Sở Tư pháp", "000.00.30.H62"),
    ("Sở Thông tin và Truyền thông", "000.00.31.H62"), ("Sở Lao động - Thương binh và Xã hội", "000.00.32.H62"),
    ("Sở Văn hóa, Thể thao và Du lịch", "000.00.33.H62"), ("Công an tỉnh", "000.00.34.H62"),
    ("Bảo hiểm xã hội tỉnh", "000.00.35.H62"), ("Kho bạc Nhà nước tỉnh", "000.00.36.H62"),
    ("Cục Thuế tỉnh", "000.00.37.H62"), ("Ban Tuyên giáo Tỉnh ủy", ""), ("Văn phòng Tỉnh ủy", ""),
    ("Bộ Nội vụ", ""), ("Bộ Tài chính", ""), ("Bộ Kế hoạch và Đầu tư", ""), ("Văn phòng Chính phủ", ""),
    ("Bộ Thông tin và Truyền thông", ""), ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ""),
    ("Hội Nông dân tỉnh", ""), ("Liên đoàn Lao động tỉnh", ""), ("Tỉnh đoàn", ""),
]
NOTATIONS = {  # doc type → notations seen with it (the issuer's abbreviation after the type)
    "CV": ["UBND-VP", "UBND-NC", "UBND-KT", "STC-QLNS", "SNV-TCBC", "SYT-NVY", "SGDĐT-GDTrH", "VP-TH"],
    "QĐ": ["QĐ-UBND", "QĐ-STC", "QĐ-SNV", "QĐ-SYT", "QĐ-CT"], "BC": ["BC-UBND", "BC-SNV", "BC-STC", "BC-SKHĐT"],
    "KH": ["KH-UBND", "KH-SYT", "KH-SGDĐT"], "TB": ["TB-UBND", "TB-VP", "TB-SNV"], "TTr": ["TTr-STC", "TTr-SNV"],
    "GM": ["GM-UBND", "GM-VP"], "HD": ["HD-SNV", "HD-STC"], "CĐ": ["CĐ-UBND"], "NQ": ["NQ-HĐND"],
}
TYPE_WEIGHTS = {"CV": 40, "QĐ": 14, "BC": 12, "KH": 8, "TB": 8, "TTr": 4, "GM": 7, "HD": 3, "CĐ": 2, "NQ": 2}
ACTIONS = ["triển khai", "tăng cường", "hướng dẫn", "đôn đốc", "tổng hợp", "rà soát", "kiểm tra", "phê duyệt",
           "điều chỉnh", "bổ sung", "thực hiện", "góp ý dự thảo", "tổ chức", "đẩy mạnh", "chấn chỉnh", "báo cáo"]
TOPICS = ["công tác cải cách hành chính", "phòng, chống thiên tai và tìm kiếm cứu nạn", "chuyển đổi số",
          "quản lý đất đai", "xây dựng nông thôn mới", "tiêm chủng mở rộng", "bảo đảm trật tự an toàn giao thông",
          "phòng cháy, chữa cháy", "giải ngân vốn đầu tư công", "thu ngân sách nhà nước", "bảo hiểm xã hội tự nguyện",
          "tuyển dụng viên chức", "thi đua, khen thưởng", "phòng, chống dịch tả lợn châu Phi",
          "quy hoạch sử dụng đất", "cấp giấy chứng nhận quyền sử dụng đất", "bảo vệ môi trường",
          "giảm nghèo bền vững", "phổ biến, giáo dục pháp luật", "kiểm soát thủ tục hành chính",
          "văn hóa công sở", "an toàn thực phẩm", "dịch vụ công trực tuyến", "sắp xếp đơn vị hành chính cấp xã",
          "tinh giản biên chế", "quản lý giá", "phòng, chống tham nhũng, tiêu cực", "tiếp công dân",
          "giải quyết khiếu nại, tố cáo", "trồng rừng thay thế", "kiên cố hóa kênh mương", "đào tạo nghề cho lao động nông thôn"]
PLACES = ["trên địa bàn tỉnh", "trên địa bàn huyện Văn Yên", "tại thị xã Nghĩa Lộ", "tại các xã vùng cao",
          "trên địa bàn thành phố Yên Bái", "tại huyện Mù Cang Chải", "ở các cơ quan, đơn vị", "toàn ngành"]
COMMUNES = ["Khau Phạ", "Púng Luông", "Nậm Búng", "Mồ Dề", "Khao Mang", "Lao Chải", "Chế Cu Nha", "Kim Nọi",
            "Dế Xu Phình", "Nậm Khắt", "Cao Phạ", "Nậm Có", "Hồ Bốn", "Chế Tạo", "Làng Nhì", "Bản Công",
            "Xà Hồ", "Pá Lau", "Phình Hồ", "Túc Đán", "Sơn Lương", "Nghĩa Sơn", "Suối Giàng", "Sùng Đô",
            "An Lương", "Mỏ Vàng", "Đại Sơn", "Nà Hẩu", "Phong Dụ Thượng", "Xuân Tầm", "Lâm Giang", "Châu Quế Hạ"]
PERIODS = ["quý I", "quý II", "quý III", "quý IV", "6 tháng đầu năm", "9 tháng", "năm", "tháng 10"]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Vũ Thị Hà",
           "Đỗ Văn Hùng", "Bùi Thị Lan", "Đặng Văn Minh", "Ngô Thị Nga", "Dương Văn Phúc", "Lý Thị Quyên"]
# Rare: each in ~20 of 200,000 documents.
RARE = ["Hồ Chuối", "cầu treo Bản Hốc", "đường nối Nghĩa Lộ – Sơn La", "Thác Bà", "chè Suối Giàng cổ thụ",
        "ruộng bậc thang La Pán Tẩn", "xoài Yên Hưng", "nhà máy xi măng Yên Bình", "quế Văn Yên hữu cơ",
        "hồ Khe Chung", "bưởi Đại Minh", "trại giống Âu Lâu", "đèo Khau Cọ", "bến phà Hợp Minh",
        "gò đồi Thác Hoa", "sâm Ngọc Linh giống", "làng nghề mây tre đan Việt Cường", "lễ hội Đền Đông Cuông",
        "cây sơn tra Tà Xi Láng", "suối khoáng Bản Bon"]


def random_document(rng: random.Random, year: int) -> dict:
    """Metadata of one incoming document as a clerk would type it."""
    doc_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
    issuer, issuer_code = rng.choice(ISSUERS)
    if rng.random() < 0.15:
        issuer_code = ""  # typed by name only
    kind = {"QĐ": "Quyết định về việc", "BC": "Báo cáo", "KH": "Kế hoạch", "TB": "Thông báo",
            "TTr": "Tờ trình về việc", "GM": "Giấy mời họp về", "HD": "Hướng dẫn", "CĐ": "Công điện về việc",
            "NQ": "Nghị quyết về"}.get(doc_type, "V/v")
    subject = f"{kind} {rng.choice(ACTIONS)} {rng.choice(TOPICS)} {rng.choice(PLACES)}"
    if doc_type in ("BC", "KH") or rng.random() < 0.2:
        subject += f" {rng.choice(PERIODS)} năm {year}"
    if rng.random() < 0.2:
        subject += f", xã {rng.choice(COMMUNES)}"
    if rng.random() < 0.001:
        subject += f" ({rng.choice(RARE)})"
    return {"doc_type": doc_type, "number": str(rng.randint(1, 2500)), "notation": rng.choice(NOTATIONS[doc_type]),
            "issuer_code": "", "issuer_name": issuer, "subject": subject,
            "signer_name": rng.choice(SIGNERS), "issuer_code_kept": issuer_code,
            "urgency": rng.choices((0, 1, 2, 3), weights=(85, 10, 4, 1))[0],
            "secrecy": rng.choices((0, 1, 2, 3), weights=(990, 7, 2, 1))[0]}


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


# --- Filling to volume ---------------------------------------------------------------------------

STATUS_BY_AGE = [  # (max age in days, [(status, weight)])
    (7, [("01", 15), ("03", 15), ("04", 25), ("05", 40), ("06", 5)]),
    (45, [("04", 3), ("05", 35), ("06", 60), ("02", 2)]),
    (10_000, [("05", 1), ("06", 97), ("02", 2)]),
]
TASKS_BY_STATUS = {"01": ["register"], "03": ["assign"], "04": ["dispatch_lead", "dispatch_support"],
                   "05": ["handle", "contribute"]}


def _status_for(rng, age_days: int) -> str:
    for limit, choices in STATUS_BY_AGE:
        if age_days <= limit:
            return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
    raise AssertionError


def _participants(row: dict, ids: dict, *, supported: bool) -> set[int]:
    """Who the process made a participant (every task's candidates, as workflow/inbox.py records them)."""
    status, people = row["status_code"], {row["received_by_id"]}
    if row["origin"] != "paper":  # a delivery is offered to every clerk
        people |= {ids["clerk"], ids["clerk2"]}
    if status in ("03", "04", "05", "06"):
        people.add(ids["leader"])
    if status in ("04", "05", "06"):
        lead = 1 if row["lead_department_id"] == ids["unit1"] else 2
        units = (lead, 3 - lead) if supported else (lead,)
        people |= {ids[f"head{unit}"] for unit in units}
        if status in ("05", "06"):
            people |= {ids[f"specialist{unit}"] for unit in units}
    return people


def fill(context, templates: dict, total: int, rng: random.Random, batch: int = 5000) -> dict:
    """Bulk-insert documents (and, for open ones, their instance and tasks) up to `total` documents."""
    ids = context["ids"]
    agency_id = ids["agency"]
    existing = db.session.scalar(select(func.count()).select_from(Document))
    wanted = max(0, total - existing)
    ensure_default_books(agency_id)
    books = {secret: book_id for book_id, secret in db.session.execute(
        select(RegisterBook.id, RegisterBook.secret).where(RegisterBook.agency_id == agency_id,
                                                           RegisterBook.direction == "incoming"))}
    last_numbers = defaultdict(int, {(b, y): n for b, y, n in db.session.execute(
        select(NumberSequence.book_id, NumberSequence.year, NumberSequence.last_number))})
    version_id = latest_version("incoming_document").id
    clerks = (ids["clerk"], ids["clerk2"])
    now = datetime.now(timezone.utc)
    # Received over five years, more lately; generated oldest first so arrival numbers grow with time.
    moments = sorted(now - timedelta(days=min(1826.0, rng.expovariate(1 / 700)), seconds=rng.randint(0, 86399))
                     for _ in range(wanted))
    counts = defaultdict(int)
    for start in range(0, wanted, batch):
        rows, opened = [], []
        for received_at in moments[start:start + batch]:
            local_day = received_at.astimezone(VIETNAM).date()
            age = (now - received_at).days
            meta = random_document(rng, local_day.year)
            status = _status_for(rng, age)
            secret = meta["secrecy"] > 0
            receiver = rng.choice(clerks)
            row = {"agency_id": agency_id, "direction": "incoming", "origin": rng.choice(("paper", "internal", "edxml")),
                   "doc_type": meta["doc_type"], "number": meta["number"], "notation": meta["notation"],
                   "issuer_agency_id": None, "issuer_code": meta["issuer_code_kept"], "issuer_name": meta["issuer_name"],
                   "document_date": local_day - timedelta(days=rng.randint(0, 10)), "subject": meta["subject"],
                   "urgency": meta["urgency"], "secrecy": meta["secrecy"], "page_count": rng.randint(1, 30),
                   "signer_name": meta["signer_name"], "signature_verdicts": [], "received_at": received_at,
                   "received_by_id": receiver, "book_id": None, "arrival_year": None, "arrival_number": None,
                   "registered_at": None, "registered_by_id": None, "transferred_at": None,
                   "lead_department_id": None, "lead_user_id": None, "due_date": None, "status_code": status,
                   "refusal_reason": None, "completed_at": None, "instance_id": None, "source_document_id": None}
            if status == "02":
                row["refusal_reason"] = "Gửi nhầm cơ quan"
            elif status != "01":
                book = books[secret]
                year = local_day.year
                last_numbers[(book, year)] += 1
                row.update(book_id=book, arrival_year=year, arrival_number=last_numbers[(book, year)],
                           registered_at=received_at + timedelta(minutes=rng.randint(5, 240)), registered_by_id=receiver)
                if status in ("04", "05", "06"):
                    row.update(transferred_at=received_at + timedelta(hours=rng.randint(2, 48)),
                               lead_department_id=ids[rng.choice(("unit1", "unit2"))],
                               due_date=local_day + timedelta(days=rng.randint(7, 20)))
                if status == "06":
                    row["completed_at"] = received_at + timedelta(days=rng.randint(1, 20))
            document = SimpleNamespace(**row, symbol="/".join(p for p in (row["number"], row["notation"]) if p))
            row["search_text"] = searchable_text(document)
            rows.append(row)
            counts[status] += 1
            counts["secret"] += secret
            if status in TASKS_BY_STATUS:
                opened.append(row)
        # Open documents first get their running instance.
        if opened:
            instance_ids = db.session.execute(
                insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True),
                [{"process_version_id": version_id, "process_id": "incoming_document", "agency_id": agency_id,
                  "title": f"{r['number']}/{r['notation']} — {r['subject']}"[:500], "status": "running",
                  "state_json": "{}", "serializer_version": "1.5", "lock_version": 1, "started_at": r["received_at"],
                  "updated_at": r["received_at"]} for r in opened]).scalars().all()
            for r, instance_id in zip(opened, instance_ids):
                r["instance_id"] = instance_id
        document_ids = db.session.execute(
            insert(Document.__table__).returning(Document.__table__.c.id, sort_by_parameter_order=True),
            rows).scalars().all()
        tasks, participants = [], []
        for r, document_id in zip(rows, document_ids):
            for user_id in _participants(r, ids, supported=rng.random() < 0.5):
                participants.append({"subject_type": "document", "subject_id": str(document_id), "user_id": user_id})
            for spec_id in TASKS_BY_STATUS.get(r["status_code"], ()):
                if spec_id == "contribute" and rng.random() < 0.5:
                    continue  # supporting unit done already
                template = templates[spec_id]
                due = datetime.combine(r["due_date"], datetime.min.time(), VIETNAM) if r["due_date"] else None
                tasks.append(({"instance_id": r["instance_id"], "task_uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                               "spec_id": spec_id, "title": template["title"], "lane": template["lane"],
                               "candidate_role": template["candidate_role"],
                               "candidate_department_id": template["candidate_department_id"],
                               "assigned_user_id": template["assigned_user_id"], "due_at": due,
                               "urgency": r["urgency"], "subject_type": "document", "subject_id": str(document_id),
                               "agency_id": agency_id, "created_at": r["received_at"]}, template["candidates"]))
        if tasks:
            task_ids = db.session.execute(insert(HumanTask).returning(HumanTask.id, sort_by_parameter_order=True),
                                          [t for t, _ in tasks]).scalars().all()
            candidates = [{"task_id": task_id, "user_id": user_id}
                          for (t, users), task_id in zip(tasks, task_ids) if t["assigned_user_id"] is None
                          for user_id in users]
            if candidates:
                db.session.execute(insert(HumanTaskCandidate), candidates)
            counts["open tasks"] += len(tasks)
        if participants:
            db.session.execute(insert(SubjectParticipant), participants)
        db.session.commit()
    for (book, year), last in last_numbers.items():  # the sequences go on after the filled numbers
        sequence = db.session.get(NumberSequence, (book, year))
        if sequence is None:
            db.session.add(NumberSequence(book_id=book, year=year, last_number=last))
        else:
            sequence.last_number = max(sequence.last_number, last)
    db.session.commit()
    counts["inserted"] = wanted
    return dict(counts)


# --- Queries -------------------------------------------------------------------------------------

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
