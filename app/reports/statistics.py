"""Statistics by agency and period: documents received and sent, electronic or paper, through the
national axis, signed, secret (counted, never described), by type and urgency."""
from dataclasses import dataclass, field, fields

from sqlalchemy import func, select

from app.directory.models import Agency
from app.documents.vocabulary import DOCUMENT_TYPES, URGENCY_LABELS
from app.extensions import db

from .models import DocumentFact
from .periods import Period


@dataclass
class AgencyCounts:
    agency_id: int | None
    name: str
    incoming: int = 0
    incoming_electronic: int = 0
    incoming_paper: int = 0
    from_axis: int = 0
    incoming_signed: int = 0
    incoming_unsigned: int = 0
    incoming_secret: int = 0
    outgoing: int = 0
    outgoing_signed: int = 0
    outgoing_unsigned: int = 0
    to_axis: int = 0
    outgoing_secret: int = 0

    def add(self, other: "AgencyCounts") -> None:
        for f in fields(self)[2:]:
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


COUNT_NAMES = [f.name for f in fields(AgencyCounts)[2:]]


@dataclass
class Breakdown:
    key: str
    label: str
    incoming: int = 0
    outgoing: int = 0


@dataclass
class Statistics:
    period: Period
    agencies: list[AgencyCounts]
    total: AgencyCounts
    by_type: list[Breakdown] = field(default_factory=list)
    by_urgency: list[Breakdown] = field(default_factory=list)


def in_scope(statement, period: Period, agency_ids):
    statement = statement.where(DocumentFact.day >= period.start, DocumentFact.day <= period.end)
    if agency_ids is not None:
        statement = statement.where(DocumentFact.agency_id.in_(agency_ids))
    return statement


def _counts():
    f = DocumentFact
    incoming, outgoing = f.direction == "incoming", f.direction == "outgoing"

    def n(*conditions):
        return func.count().filter(*conditions)

    return [n(incoming), n(incoming, f.origin != "paper"), n(incoming, f.origin == "paper"), n(incoming, f.axis),
            n(incoming, f.signed), n(incoming, ~f.signed), n(incoming, f.secret), n(outgoing), n(outgoing, f.signed),
            n(outgoing, ~f.signed), n(outgoing, f.axis), n(outgoing, f.secret)]


def build_statistics(period: Period, agency_ids: tuple[int, ...] | None) -> Statistics:
    """The counts per agency in `agency_ids` (None: every agency) for the days of `period`.

    One pass over the facts, grouped by agency, type and urgency, summed here three ways: a province-year
    is read once instead of once per table.
    """
    f = DocumentFact
    per_agency: dict[int, list[int]] = {}
    by_type = {code: Breakdown(code, name) for code, (name, _abbreviation) in DOCUMENT_TYPES.items()}
    by_urgency = {level: Breakdown(str(level), str(label)) for level, label in URGENCY_LABELS.items()}
    for agency_id, doc_type, urgency, *counts in db.session.execute(in_scope(
            select(f.agency_id, f.doc_type, f.urgency, *_counts()), period, agency_ids)
            .group_by(f.agency_id, f.doc_type, f.urgency)):
        totals = per_agency.setdefault(agency_id, [0] * len(COUNT_NAMES))
        for i, n in enumerate(counts):
            totals[i] += n
        incoming, outgoing = counts[COUNT_NAMES.index("incoming")], counts[COUNT_NAMES.index("outgoing")]
        for row in (by_type.setdefault(doc_type, Breakdown(doc_type, doc_type)),
                    by_urgency.setdefault(urgency, Breakdown(str(urgency), str(urgency)))):
            row.incoming += incoming
            row.outgoing += outgoing
    agencies_query = select(Agency.id, Agency.name).order_by(Agency.name)
    if agency_ids is not None:
        agencies_query = agencies_query.where(Agency.id.in_(agency_ids))
    else:  # the province's table lists every working agency, and any other that has numbers
        agencies_query = agencies_query.where((Agency.active & ~Agency.is_demo) | Agency.id.in_(list(per_agency)))
    total = AgencyCounts(None, "")
    rows = []
    for agency_id, name in db.session.execute(agencies_query):
        counts = AgencyCounts(agency_id, name, *per_agency.get(agency_id, [0] * len(COUNT_NAMES)))
        total.add(counts)
        rows.append(counts)
    return Statistics(period, rows, total, [row for row in by_type.values() if row.incoming or row.outgoing],
                      list(by_urgency.values()))
