"""A small province of documents written straight into the tables, and the counts a person would make
from them by hand (never from the report's own facts)."""
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from app import models_registry  # noqa: F401  (every model mapped before any statement is built)
from app.documents.models import Document, StatusChange
from app.documents.outgoing.models import OutgoingDraft, OutgoingRecipient
from app.vietnam_time import VIETNAM
from app.workflow.workdays import WorkCalendar

YEAR = 2025
PERIOD_START, PERIOD_END = date(YEAR, 4, 1), date(YEAR, 6, 30)  # the second quarter


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), VIETNAM)


@dataclass
class Province:
    agencies: list  # two agencies
    units: dict  # agency id -> [departments]
    people: dict  # agency id -> [specialists]
    leaders: dict  # agency id -> leader
    clerks: dict
    documents: list  # every Document made
    assigned_at: dict  # document id -> time of the first 04


def _days_between(calendar: WorkCalendar, a: date, b: date) -> int:
    """Working days d with a < d <= b, counted one day at a time."""
    return sum(1 for n in range(1, (b - a).days + 1) if calendar.is_working_day(a + timedelta(days=n)))


@pytest.fixture
def province(make, db):
    return build_province(make, db)


def build_province(make, db) -> Province:
    """Two agencies and 120 documents around the second quarter of YEAR, flushed, not committed."""
    rng = random.Random(16)
    agencies = [make.agency(name="Sở Nội vụ thử báo cáo", short_name="SNVBC"),
                make.agency(name="Sở Tài chính thử báo cáo", short_name="STCBC")]
    units, people, leaders, clerks = {}, {}, {}, {}
    for agency in agencies:
        units[agency.id] = [make.department(agency=agency, name=f"Phòng {n}") for n in (1, 2)]
        people[agency.id] = [make.user(agency=agency, roles=("specialist",), department_id=d.id) for d in units[agency.id]]
        leaders[agency.id] = make.user(agency=agency, roles=("leader",))
        clerks[agency.id] = make.user(agency=agency, roles=("clerk",))
    documents, assigned_at = [], {}
    for n in range(120):
        agency = agencies[n % 2]
        arrival = date(YEAR, 3, 20) + timedelta(days=rng.randint(0, 110))  # around the quarter's edges
        outgoing = rng.random() < 0.3
        document = Document(agency_id=agency.id, direction="outgoing" if outgoing else "incoming",
                            origin="internal" if outgoing else rng.choice(("paper", "edxml", "internal")),
                            doc_type=rng.choice(("CV", "QĐ", "BC", "TB")), number=str(n), issuer_name="UBND huyện",
                            document_date=arrival, subject=f"Văn bản thử {n}", urgency=rng.randint(0, 3),
                            secrecy=1 if n % 7 == 0 else 0, received_at=at(arrival, rng.choice((6, 23))),
                            received_by_id=clerks[agency.id].id,
                            signature_verdicts=[{"valid": True}] if rng.random() < 0.5 else [])
        db.session.add(document)
        db.session.flush()
        documents.append(document)
        if outgoing:
            released = arrival if rng.random() < 0.8 else None
            draft = OutgoingDraft(document_id=document.id, department_id=units[agency.id][0].id,
                                  drafter_id=people[agency.id][0].id, stage="released" if released else "signing",
                                  signed_at=at(arrival, 9) if rng.random() < 0.9 else None,
                                  released_at=at(released, 10) if released else None)
            db.session.add(draft)
            db.session.flush()
            if rng.random() < 0.5:
                db.session.add(OutgoingRecipient(draft_id=document.id, code="000.00.00.G22", name="VPCP",
                                                 exchange_state="sent"))
            continue
        document.status_code = rng.choice(("01", "02", "03", "04", "05", "06", "06", "06", "15"))
        if document.status_code not in ("01", "02"):
            document.registered_at = at(arrival + timedelta(days=rng.randint(0, 3)), 15)
        if document.status_code in ("04", "05", "06"):
            assigned = at(arrival + timedelta(days=rng.randint(1, 6)), 10)
            assigned_at[document.id] = assigned
            db.session.add(StatusChange(document_id=document.id, code="04", at=assigned))
            index = rng.randrange(2)
            document.lead_department_id = units[agency.id][index].id
            document.lead_user_id = people[agency.id][index].id if rng.random() < 0.8 else None
            document.due_date = arrival + timedelta(days=rng.randint(3, 20))
        if document.status_code == "06":
            document.completed_at = at(arrival + timedelta(days=rng.randint(2, 30)), 16)
    db.session.flush()
    return Province(agencies, units, people, leaders, clerks, documents, assigned_at)


def vn_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def counted_incoming(province, agency_ids, start=PERIOD_START, end=PERIOD_END) -> list:
    return [d for d in province.documents if d.direction == "incoming" and d.agency_id in agency_ids
            and d.status_code not in ("02", "15") and start <= vn_day(d.received_at) <= end]


def released_outgoing(db, province, agency_ids, start=PERIOD_START, end=PERIOD_END) -> list:
    drafts = {d.document_id: d for d in db.session.query(OutgoingDraft)}
    return [d for d in province.documents if d.direction == "outgoing" and d.agency_id in agency_ids
            and drafts[d.id].released_at is not None and start <= vn_day(drafts[d.id].released_at) <= end]


def working_days(calendar, start_moment, end_moment) -> int:
    return _days_between(calendar, vn_day(start_moment), vn_day(end_moment))
