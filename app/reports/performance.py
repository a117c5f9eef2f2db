"""Handling performance of incoming documents: on time, late, still open past the deadline, and how
many working days arrival took to registration, to assignment and to completion (average and p90),
per agency, unit (the lead department) or person (the lead handler)."""
import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.directory.models import Agency, Department, User
from app.extensions import db
from app.vietnam_time import vietnam_today

from .models import DocumentFact
from .outcomes import outcome_condition
from .periods import Period

GROUPS = ("agency", "unit", "person")
OUTCOME_COLUMNS = ("counted", "completed", "on_time", "late", "open", "overdue")
TIMINGS = ("registration", "assignment", "completion")
_GROUP_COLUMN = {"agency": DocumentFact.agency_id, "unit": DocumentFact.department_id, "person": DocumentFact.user_id}


@dataclass
class Timing:
    count: int = 0
    average: float | None = None
    p90: int | None = None


@dataclass
class PerformanceRow:
    key: int | None  # agency, department or user id; None: no lead unit/person yet
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, Timing] = field(default_factory=dict)


@dataclass
class Performance:
    period: Period
    group: str
    rows: list[PerformanceRow]
    total: PerformanceRow


def timing_from_histogram(histogram: dict[int, int]) -> Timing:
    """Average and 90th percentile (nearest rank) of values given as value -> how many."""
    count = sum(histogram.values())
    if not count:
        return Timing()
    rank, seen = math.ceil(0.9 * count), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            p90 = value
            break
    return Timing(count, round(sum(v * n for v, n in histogram.items()) / count, 1), p90)


def incoming_in_scope(statement, period: Period, agency_ids: tuple[int, ...] | None, department_id: int | None):
    """The incoming documents the handling report counts: arrived in `period`, in scope."""
    statement = statement.where(DocumentFact.direction == "incoming", DocumentFact.day >= period.start,
                                DocumentFact.day <= period.end)
    if agency_ids is not None:
        statement = statement.where(DocumentFact.agency_id.in_(agency_ids))
    if department_id is not None:
        statement = statement.where(DocumentFact.department_id == department_id)
    return statement


def build_performance(period: Period, agency_ids: tuple[int, ...] | None, group: str,
                      department_id: int | None = None) -> Performance:
    """The numbers of the incoming documents that arrived in `period`, one row per `group` key."""
    key = _GROUP_COLUMN[group]
    today = vietnam_today()

    def scoped(statement):
        return incoming_in_scope(statement, period, agency_ids, department_id)

    # Two passes over the period's facts, not one per number: the outcomes with the completion times,
    # then the registration and assignment times together.
    counts: dict = {}
    histograms: dict = {}

    def add(timing, group_key, days, n):
        if days is not None:
            for k in (group_key, "total"):
                histogram = histograms.setdefault((timing, k), {})
                histogram[days] = histogram.get(days, 0) + n

    f = DocumentFact
    for group_key, days, *numbers in db.session.execute(scoped(select(
            key, f.completion_days, *[func.count().filter(outcome_condition(name, today)) for name in OUTCOME_COLUMNS]))
            .group_by(key, f.completion_days)):
        row = counts.setdefault(group_key, dict.fromkeys(OUTCOME_COLUMNS, 0))
        for name, n in zip(OUTCOME_COLUMNS, numbers):
            row[name] += n
        add("completion", group_key, days, numbers[0])
    for group_key, registration, assignment, n in db.session.execute(scoped(select(
            key, f.registration_days, f.assignment_days, func.count())).group_by(
            key, f.registration_days, f.assignment_days)):
        add("registration", group_key, registration, n)
        add("assignment", group_key, assignment, n)
    rows = [PerformanceRow(k, name, counts.get(k, dict.fromkeys(OUTCOME_COLUMNS, 0)),
                           {t: timing_from_histogram(histograms.get((t, k), {})) for t in TIMINGS})
            for k, name in _names(group, counts, agency_ids, department_id)]
    total = PerformanceRow(None, _("Tổng cộng"), {c: sum(r.counts[c] for r in rows) for c in OUTCOME_COLUMNS},
                           {t: timing_from_histogram(histograms.get((t, "total"), {})) for t in TIMINGS})
    return Performance(period, group, rows, total)


def _names(group: str, counts: dict, agency_ids, department_id) -> list[tuple[int | None, str]]:
    """The rows' keys and names: every agency or unit in scope (with or without numbers), the people
    who have numbers, and "not yet assigned" when documents have no lead."""
    if group == "agency":
        statement = select(Agency.id, Agency.name).where((Agency.active & ~Agency.is_demo) | Agency.id.in_(
            [k for k in counts if k is not None]))
        if agency_ids is not None:
            statement = select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))
        named = list(db.session.execute(statement.order_by(Agency.name)))
    elif group == "unit":
        statement = select(Department.id, Department.name).where(
            Department.active | Department.id.in_([k for k in counts if k is not None]))
        if agency_ids is not None:
            statement = statement.where(Department.agency_id.in_(agency_ids))
        if department_id is not None:
            statement = select(Department.id, Department.name).where(Department.id == department_id)
        named = list(db.session.execute(statement.order_by(Department.name)))
    else:
        named = list(db.session.execute(select(User.id, User.full_name).where(
            User.id.in_([k for k in counts if k is not None])).order_by(User.full_name)))
    if None in counts:
        named.append((None, _("Chưa phân công") if group != "agency" else ""))
    return [(k, name) for k, name in named]
