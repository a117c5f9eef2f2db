"""Theo dõi văn bản đi: the sender's board of its released documents in a period, each recipient (inside
the installation or over the axis alike) with its 01→06 times and the "chậm tiếp nhận" / "chưa hoàn thành"
flags.

The recipients' statuses and the slow-to-accept rule are the document page's (app.documents.outgoing.page),
read for a whole page at once; a secret document keeps its subject from whoever may not open it
(app.documents.access). The period's documents are one narrow query: the flags need the statuses, which no
SQL can judge in working days, so a flag filter reads the statuses of the period's documents in chunks.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from app.documents.access import hidden_document_ids
from app.documents.models import COMPLETED, RECALL_AGREED, REFUSED, Document
from app.documents.outgoing.models import ISSUED_STAGES, OutgoingDraft, OutgoingRecipient
from app.documents.outgoing.page import RecipientStatus, recipient_statuses_by_draft
from app.extensions import db
from app.vietnam_time import start_of_day

from .access import board_agency_id
from .periods import Period
from .requests import read_report_request

STEP_CODES = ("01", "02", "03", "04", "05", "06")
# A recipient is done with the document once it completed it, refused it or gave it back on a recall.
FINISHED = (COMPLETED, REFUSED, RECALL_AGREED)
PER_PAGE = 25
CHUNK = 500  # documents whose statuses are read together when a flag filter needs them all
_CODE = re.compile(r"[A-Za-z0-9._-]{1,32}")


@dataclass(frozen=True)
class BoardFilters:
    slow: bool = False  # only documents with a recipient slow to accept
    incomplete: bool = False  # only documents with a recipient that has not finished
    recipient: str = ""  # mã định danh of one recipient ("" = all)

    @classmethod
    def from_args(cls, args) -> "BoardFilters":
        """Read the filters; a value that makes no sense is ignored, never an error page."""
        code = args.get("recipient") or ""
        return cls(slow=args.get("slow") == "1", incomplete=args.get("incomplete") == "1",
                   recipient=code if _CODE.fullmatch(code) else "")

    def as_args(self) -> dict:
        args = {"slow": "1" if self.slow else "", "incomplete": "1" if self.incomplete else "",
                "recipient": self.recipient}
        return {k: v for k, v in args.items() if v}


@dataclass
class BoardRecipient:
    status: RecipientStatus
    steps: dict[str, datetime]  # code -> the first time the recipient reached it
    incomplete: bool


@dataclass
class BoardDocument:
    id: int
    symbol: str
    document_date: object
    released_at: datetime
    subject: str | None  # None: secret, and the reader may not open it
    secrecy: int
    urgency: int
    stage: str
    recipients: list[BoardRecipient] = field(default_factory=list)

    @property
    def slow(self) -> bool:
        return any(r.status.slow for r in self.recipients)

    @property
    def incomplete(self) -> bool:
        return any(r.incomplete for r in self.recipients)


@dataclass
class Board:
    period: Period
    agency_id: int
    filters: BoardFilters
    page: Pagination  # of BoardDocument
    recipient_choices: list[tuple[str, str]]  # (code, name) of everyone the agency sent to in the period


class _ListPage(Pagination):
    """A page of a list already in memory (the period's documents, after the flag filters)."""

    def _query_items(self) -> list:
        rows = self._query_args["rows"]
        return rows[self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def _released_in(period: Period, agency_id: int):
    return (select(OutgoingDraft.document_id)
            .join(Document, Document.id == OutgoingDraft.document_id)
            .where(Document.agency_id == agency_id, Document.direction == "outgoing",
                   OutgoingDraft.stage.in_(ISSUED_STAGES), OutgoingDraft.released_at >= start_of_day(period.start),
                   OutgoingDraft.released_at < start_of_day(period.end + timedelta(days=1))))


def _documents(period: Period, agency_id: int, recipient: str) -> list[BoardDocument]:
    """The period's released documents of the agency, newest release first (one statement)."""
    statement = (select(Document.id, Document.number, Document.notation, Document.document_date,
                        OutgoingDraft.released_at, Document.subject, Document.secrecy, Document.urgency,
                        OutgoingDraft.stage)
                 .join(OutgoingDraft, OutgoingDraft.document_id == Document.id)
                 .where(Document.id.in_(_released_in(period, agency_id)))
                 .order_by(OutgoingDraft.released_at.desc(), Document.id.desc()))
    if recipient:
        statement = statement.where(Document.id.in_(
            select(OutgoingRecipient.draft_id).where(OutgoingRecipient.code == recipient)))
    return [BoardDocument(id, "/".join(p for p in (number, notation) if p), day, released, subject, secrecy,
                          urgency, stage)
            for id, number, notation, day, released, subject, secrecy, urgency, stage in db.session.execute(statement)]


def _board_recipient(status: RecipientStatus) -> BoardRecipient:
    steps: dict[str, datetime] = {}
    for step in status.timeline:
        if step.code in STEP_CODES:
            steps.setdefault(step.code, step.at)
    return BoardRecipient(status, steps, status.status_code not in FINISHED)


def _fill(documents: list[BoardDocument], recipient: str) -> None:
    """Give the documents their recipients, read for all of them at once (the recipient filter keeps one)."""
    statuses = recipient_statuses_by_draft([d.id for d in documents])
    for document in documents:
        document.recipients = [_board_recipient(s) for s in statuses.get(document.id, [])
                               if not recipient or s.code == recipient]


def _hide_secrets(documents: list[BoardDocument], actor) -> None:
    hidden = hidden_document_ids(actor, {str(d.id) for d in documents if d.secrecy > 0})
    for document in documents:
        if str(document.id) in hidden:
            document.subject = None


def board_documents(period: Period, agency_id: int, filters: BoardFilters, *, actor) -> list[BoardDocument]:
    """Every document the board lists for these filters, with recipients (the exports' rows)."""
    documents = _documents(period, agency_id, filters.recipient)
    for start in range(0, len(documents), CHUNK):
        _fill(documents[start:start + CHUNK], filters.recipient)
    documents = [d for d in documents if (not filters.slow or d.slow) and (not filters.incomplete or d.incomplete)]
    _hide_secrets(documents, actor)
    return documents


def build_board(period: Period, agency_id: int, filters: BoardFilters, *, actor, page: int = 1,
                per_page: int = PER_PAGE) -> Board:
    """One page of the board; its statements do not grow with the documents on it."""
    if filters.slow or filters.incomplete:
        page_of = _ListPage(page=page, per_page=per_page, max_per_page=None, error_out=False,
                            rows=board_documents(period, agency_id, filters, actor=actor))
    else:
        page_of = _ListPage(page=page, per_page=per_page, max_per_page=None, error_out=False,
                            rows=_documents(period, agency_id, filters.recipient))
        _fill(page_of.items, filters.recipient)
        _hide_secrets(page_of.items, actor)
    choices = db.session.execute(
        select(OutgoingRecipient.code, OutgoingRecipient.name)
        .where(OutgoingRecipient.draft_id.in_(_released_in(period, agency_id)))
        .distinct().order_by(OutgoingRecipient.name, OutgoingRecipient.code)).all()
    return Board(period, agency_id, filters, page_of, [(code, name) for code, name in choices])


@dataclass(frozen=True)
class BoardRequest:
    period: Period
    agency_id: int
    filters: BoardFilters
    department_id = None  # the period picker's (app/templates/reports/_period.html): the board has no units

    def as_args(self) -> dict:
        return {**self.period.as_args(), "agency": self.agency_id, **self.filters.as_args()}


def read_board_request(args, actor) -> BoardRequest:
    """The period, agency and filters asked for; PeriodRefused and AgencyNotVisible as for every report."""
    asked = read_report_request(args, actor)
    return BoardRequest(asked.period, board_agency_id(actor, asked.agency_id), BoardFilters.from_args(args))
