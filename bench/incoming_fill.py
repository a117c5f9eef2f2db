"""Filling the bench database to volume (bench/incoming.py step 2): bulk inserts of documents, their
participants, and for open documents a running instance with the open tasks its status implies."""
import random
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from incoming_documents import random_document
from sqlalchemy import func, insert, select

from app.documents.models import Document, NumberSequence, RegisterBook
from app.documents.numbering import ensure_default_books
from app.documents.receiving import searchable_text
from app.extensions import db
from app.vietnam_time import VIETNAM
from app.workflow.deployment import latest_version
from app.workflow.models import HumanTask, HumanTaskCandidate, ProcessInstance, SubjectParticipant

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
