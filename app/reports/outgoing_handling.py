"""Tình hình giải quyết văn bản đi: what each agency (or drafting unit) released in a period, how it was
sent, and how its recipients took it: received on time or late ("chậm tiếp nhận", the rule of the
sender's document page), completed (06) or not yet.

Three GROUP BY queries over the facts, whatever the period: the documents (DocumentFact), the documents
sent electronically, and the recipients grouped by (unit, day of 01, day of the first 03/02, reached 06)
(RecipientFact). The working-day rule is then applied once per distinct pair of days (a few hundred in a
year), never once per recipient.
"""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import distinct, func, select

from app.documents.outgoing.page import DEFAULT_SLOW_ACCEPT_WORKING_DAYS
from app.extensions import db
from app.vietnam_time import vietnam_today
from app.workflow.scripting_runtime import work_calendar

from .models import DocumentFact
from .performance import _names
from .periods import Period
from .recipient_models import RecipientFact

DOCUMENT_COLUMNS = ("released", "signed", "electronic", "axis", "secret")
RECIPIENT_COLUMNS = ("recipients", "accepted_on_time", "slow", "waiting", "completed", "not_completed")
COUNT_COLUMNS = DOCUMENT_COLUMNS + RECIPIENT_COLUMNS


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


def _recipients_in(statement, period: Period, agency_ids, department_id):
    r = RecipientFact
    statement = statement.where(r.day >= period.start, r.day <= period.end)
    if agency_ids is not None:
        statement = statement.where(r.agency_id.in_(agency_ids))
    if department_id is not None:
        statement = statement.where(r.department_id == department_id)
    return statement


def build_outgoing_handling(period: Period, agency_ids: tuple[int, ...] | None, group: str = "agency",
                            department_id: int | None = None) -> OutgoingHandling:
    """The numbers of the outgoing documents released in `period`, one row per agency or drafting unit."""
    f = DocumentFact
    group = "agency" if group == "agency" else "unit"
    key = f.agency_id if group == "agency" else f.department_id
    counts: dict = {}

    def row(k):
        return counts.setdefault(k, dict.fromkeys(COUNT_COLUMNS, 0))

    for k, *numbers in db.session.execute(_released_in(select(
            key, func.count(), func.count().filter(f.signed), func.count().filter(f.axis),
            func.count().filter(f.secret)), period, agency_ids, department_id).group_by(key)):
        row(k).update(zip(("released", "signed", "axis", "secret"), numbers))

    r = RecipientFact
    recipient_key = r.agency_id if group == "agency" else r.department_id
    for k, n in db.session.execute(_recipients_in(select(recipient_key, func.count(distinct(r.document_id))),
                                                  period, agency_ids, department_id)
                                   .where(r.electronic).group_by(recipient_key)):
        row(k)["electronic"] = n
    calendar, today = work_calendar(), vietnam_today()
    allowed = int(current_app.config.get("EXCHANGE_SLOW_ACCEPT_WORKING_DAYS", DEFAULT_SLOW_ACCEPT_WORKING_DAYS))
    for k, arrived_on, answered_on, completed, n in db.session.execute(_recipients_in(select(
            recipient_key, r.arrived_day, r.answered_day, r.completed, func.count()), period, agency_ids,
            department_id).group_by(recipient_key, r.arrived_day, r.answered_day, r.completed)):
        numbers = row(k)
        numbers["recipients"] += n
        numbers["completed" if completed else "not_completed"] += n
        numbers[_acceptance(arrived_on, answered_on, calendar, allowed, today)] += n
    rows = [OutgoingRow(k, name, counts.get(k, dict.fromkeys(COUNT_COLUMNS, 0)))
            for k, name in _names(group, counts, agency_ids, department_id)]
    total = OutgoingRow(None, "", {c: sum(line.counts[c] for line in rows) for c in COUNT_COLUMNS})
    return OutgoingHandling(period, group, rows, total)


def _acceptance(arrived_on: date | None, answered_on: date | None, calendar, allowed: int, today: date) -> str:
    """The page's rule (app.documents.outgoing.page.is_slow_to_accept) on days: slow when the answer, or
    today without one, falls after the `allowed`-th working day after 01."""
    if arrived_on is not None and (answered_on or today) > calendar.add_working_days(arrived_on, allowed):
        return "slow"
    return "accepted_on_time" if answered_on is not None else "waiting"
