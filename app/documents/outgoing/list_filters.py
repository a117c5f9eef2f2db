"""The released list narrowed to a number of the statistics (Báo cáo, thống kê): which agency, which column,
released when, of which type and urgency, by the reports' own rule (app.reports.outcomes)."""
from dataclasses import dataclass
from datetime import date

from app.documents.models import Document
from app.reports.outcomes import OUTGOING_OUTCOMES, outgoing_documents_with
from app.vietnam_time import parse_day_or_none

URGENCIES = ("0", "1", "2", "3")


def _id(text) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) < 10 else None  # "²".isdigit()


@dataclass(frozen=True)
class ReleasedFilters:
    agency: int | None = None
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None
    doc_type: str = ""
    urgency: int | None = None

    @classmethod
    def from_args(cls, args) -> "ReleasedFilters":
        """Read the filters a report's number links with; values that make no sense are ignored."""
        doc_type = args.get("doc_type") or ""
        urgency = args.get("urgency") or ""
        return cls(agency=_id(args.get("agency")),
                   outcome=args.get("outcome") if args.get("outcome") in OUTGOING_OUTCOMES else "",
                   date_from=parse_day_or_none(args.get("from")), date_to=parse_day_or_none(args.get("to")),
                   doc_type=doc_type if len(doc_type) <= 8 else "",
                   urgency=int(urgency) if urgency in URGENCIES else None)

    @property
    def active(self) -> bool:
        return self != ReleasedFilters()

    def as_args(self) -> dict:
        args = {"agency": "" if self.agency is None else str(self.agency), "outcome": self.outcome,
                "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "", "doc_type": self.doc_type,
                "urgency": "" if self.urgency is None else str(self.urgency)}
        return {k: v for k, v in args.items() if v}

    def apply(self, statement):
        """`statement` (released documents) narrowed to the report's number; unchanged when nothing is asked."""
        if not self.active:
            return statement
        if self.agency is not None:
            statement = statement.where(Document.agency_id == self.agency)
        return statement.where(Document.id.in_(outgoing_documents_with(
            self.outcome or "counted", self.date_from, self.date_to, self.doc_type, self.urgency)))
