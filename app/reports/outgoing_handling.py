"""Tình hình giải quyết văn bản đi: what each agency (or drafting unit) released in a period, how it was
sent, and how its recipients took it: received on time or late ("chậm tiếp nhận", the rule of the
sender's document page), completed (06) or not yet.

Two GROUP BY queries, whatever the period: the documents over the facts, and the recipients grouped by
(unit, day of 01, day of the first 03/02, reached 06). The working-day rule is then applied once per
distinct pair of days (a few hundred in a year), never once per recipient.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Date, case, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.documents.models import ACCEPTED, COMPLETED, RECEIVED, REFUSED, StatusChange
from app.documents.outgoing.models import ExternalRecipientStatus, OutgoingRecipient
from app.documents.outgoing.page import DEFAULT_SLOW_ACCEPT_WORKING_DAYS
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.workflow.scripting_runtime import work_calendar

from .models import DocumentFact
from .performance import _names
from .periods import Period

DOCUMENT_COLUMNS = ("released", "signed", "electronic", "axis", "secret")
RECIPIENT_COLUMNS = ("recipients", "accepted_on_time", "slow", "waiting", "completed", "not_completed")
COUNT_COLUMNS = DOCUMENT_COLUMNS + RECIPIENT_COLUMNS


class vietnam_day(FunctionElement):
    """The Vietnam calendar day (UTC+7, no daylight saving) of a naive-UTC time column."""

    type = Date()
    inherit_cache = True
    name = "vietnam_day"


@compiles(vietnam_day)
def _day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(vietnam_day, "postgresql")
def _day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)}) + INTERVAL '7 hours' AS DATE)"


@dataclass
class OutgoingRow:
    key: int | None  # agency or department id; None: no drafting unit
    name: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_COLUMNS, 0))


@dataclass
class OutgoingHandling:
    period: Period
    group: str  # agency | unit
    rows: list[OutgoingRow]
    total: OutgoingRow


def _released_in(statement, period: Period, agency_ids, department_id):
    f = DocumentFact
    statement = statement.where(f.direction == "outgoing", f.day >= period.start, f.day <= period.end)
    if agency_ids is not None:
        statement = statement.where(f.agency_id.in_(agency_ids))
    if department_id is not None:
        statement = statement.where(f.department_id == department_id)
    return statement


def _first(code_column, at_column, codes):
    return func.min(case((code_column.in_(codes), at_column)))


def _recipient_timelines(key, period, agency_ids, department_id):
    """One row per recipient of the period's documents: key, day of its 01, day of its first 03/02, and
    whether it reached 06, from its incoming document (inside) or its status packages (outside)."""
    r, sc, ex = OutgoingRecipient, StatusChange, ExternalRecipientStatus
    answers = (ACCEPTED, REFUSED)
    return _released_in(select(
        r.id, key.label("key"),
        func.coalesce(_first(sc.code, sc.at, (RECEIVED,)), _first(ex.code, ex.at, (RECEIVED,))).label("arrived"),
        func.coalesce(_first(sc.code, sc.at, answers), _first(ex.code, ex.at, answers)).label("answered"),
        func.max(case((or_(sc.code == COMPLETED, ex.code == COMPLETED), 1), else_=0)).label("completed"))
        .select_from(r).join(DocumentFact, DocumentFact.document_id == r.draft_id)
        .outerjoin(sc, sc.document_id == r.delivered_document_id).outerjoin(ex, ex.recipient_id == r.id),
        period, agency_ids, department_id).group_by(r.id, key).subquery()


def build_outgoing_handling(period: Period, agency_ids: tuple[int, ...] | None, group: str = "agency",
                            department_id: int | None = None) -> OutgoingHandling:
    """The numbers of the outgoing documents released in `period`, one row per agency or drafting unit."""
    f = DocumentFact
    group = "agency" if group == "agency" else "unit"
    key = f.agency_id if group == "agency" else f.department_id
    counts: dict = {}

    def row(k):
        return counts.setdefault(k, dict.fromkeys(COUNT_COLUMNS, 0))

    sent_electronically = exists().where(OutgoingRecipient.draft_id == f.document_id, or_(
        OutgoingRecipient.delivered_document_id.is_not(None), OutgoingRecipient.exchange_state != ""))
    for k, *numbers in db.session.execute(_released_in(select(
            key, func.count(), func.count().filter(f.signed), func.count().filter(sent_electronically),
            func.count().filter(f.axis), func.count().filter(f.secret)), period, agency_ids, department_id)
            .group_by(key)):
        row(k).update(zip(DOCUMENT_COLUMNS, numbers))

    timelines = _recipient_timelines(key, period, agency_ids, department_id)
    calendar, today = work_calendar(), vietnam_today()
    allowed = int(current_app.config.get("EXCHANGE_SLOW_ACCEPT_WORKING_DAYS", DEFAULT_SLOW_ACCEPT_WORKING_DAYS))
    arrived, answered = vietnam_day(timelines.c.arrived), vietnam_day(timelines.c.answered)
    for k, arrived_on, answered_on, completed, n in db.session.execute(
            select(timelines.c.key, arrived, answered, timelines.c.completed, func.count())
            .group_by(timelines.c.key, arrived, answered, timelines.c.completed)):
        numbers = row(k)
        numbers["recipients"] += n
        numbers["completed" if completed else "not_completed"] += n
        numbers[_acceptance(arrived_on, answered_on, calendar, allowed, today)] += n
    rows = [OutgoingRow(k, name, counts.get(k, dict.fromkeys(COUNT_COLUMNS, 0)))
            for k, name in _names(group, counts, agency_ids, department_id)]
    total = OutgoingRow(None, "", {c: sum(r.counts[c] for r in rows) for c in COUNT_COLUMNS})
    return OutgoingHandling(period, group, rows, total)


def _acceptance(arrived_on: date | None, answered_on: date | None, calendar, allowed: int, today: date) -> str:
    """The page's rule (app.documents.outgoing.page.is_slow_to_accept) on days: slow when the answer, or
    today without one, falls after the `allowed`-th working day after 01."""
    if arrived_on is not None and (answered_on or today) > calendar.add_working_days(arrived_on, allowed):
        return "slow"
    return "accepted_on_time" if answered_on is not None else "waiting"
