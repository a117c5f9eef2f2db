"""What the sender's document page shows of an outgoing document: the draft, its stage and each recipient's
status with its timeline, inside the installation or outside (status packages received)."""
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM
from app.workflow.scripting_runtime import work_calendar

from ..models import ACCEPTED, RECEIVED, REFUSED, Document, DocumentNote
from .models import OutgoingDraft, OutgoingRecipient
from .returns import latest_returns

# The order of the incoming path, to break ties between statuses of one moment (the wire has seconds only).
_RANK = {code: rank for rank, code in enumerate(("01", "02", "03", "04", "05", "06", "13", "15", "16"))}
DEFAULT_SLOW_ACCEPT_WORKING_DAYS = 1


@dataclass
class TimelineStep:
    code: str
    at: datetime
    note: str


@dataclass
class RecipientStatus:
    """One recipient and its live status (01–06, 02 with the reason, 15/16): inside the installation from its
    incoming document, outside from the status packages it sent; until one arrives, the state of the outbox
    message carrying the package."""

    name: str
    code: str
    internal: bool
    status_code: str | None
    at: object
    note: str
    exchange_state: str
    outbox_state: str | None = None  # pending, sending, sent, dead, cancelled (app.exchange.messages)
    timeline: list[TimelineStep] = field(default_factory=list)
    slow: bool = False  # chậm tiếp nhận: 01 not followed by 03 (or 02) within the configured working days


@dataclass
class OutgoingDetails:
    draft: OutgoingDraft
    recipients: list[RecipientStatus]
    returned: DocumentNote | None = None  # the return that sent the draft back to its drafter, while it is there


def timeline_order(code: str, at: datetime) -> tuple:
    """Sort key of a recipient's statuses: its own clock, then the later milestone of one moment."""
    return at, _RANK.get(code, 99)


def _timeline(row: OutgoingRecipient) -> list[TimelineStep]:
    if row.delivered_document is not None:
        return [TimelineStep(s.code, s.at, s.note) for s in row.delivered_document.statuses]
    # Order-tolerant: the recipient's own Timestamps order its statuses, whatever order they arrived in.
    return sorted((TimelineStep(s.code, s.at, s.description) for s in row.external_statuses),
                  key=lambda step: timeline_order(step.code, step.at))


def _vietnam_day(moment: datetime):
    return moment.astimezone(VIETNAM).date()


def is_slow_to_accept(timeline: list[TimelineStep], *, calendar, working_days: int, now: datetime) -> bool:
    """01 and no 03 (or refusal 02) by the end of the `working_days`-th working day after it."""
    arrived = next((step for step in timeline if step.code == RECEIVED), None)
    if arrived is None:
        return False
    answered = next((step for step in timeline if step.code in (ACCEPTED, REFUSED)), None)
    deadline = calendar.add_working_days(_vietnam_day(arrived.at), working_days)
    return _vietnam_day(answered.at if answered else now) > deadline


def recipient_statuses(draft: OutgoingDraft) -> list[RecipientStatus]:
    """Read across agencies on purpose: the sender may see how each recipient handles what it sent,
    and nothing else of the recipients' documents."""
    return recipient_statuses_by_draft([draft.document_id]).get(draft.document_id, [])


def recipient_statuses_by_draft(draft_ids: list[int]) -> dict[int, list[RecipientStatus]]:
    """The recipients' statuses of several drafts (a page of a list) in the same few queries as one draft's."""
    if not draft_ids:
        return {}
    rows = db.session.scalars(
        select(OutgoingRecipient).where(OutgoingRecipient.draft_id.in_(draft_ids))
        .options(selectinload(OutgoingRecipient.delivered_document).selectinload(Document.statuses),
                 joinedload(OutgoingRecipient.outbox_message), selectinload(OutgoingRecipient.external_statuses))
        .order_by(OutgoingRecipient.draft_id, OutgoingRecipient.position)).all()
    calendar, now = work_calendar(), utcnow()
    working_days = int(current_app.config.get("EXCHANGE_SLOW_ACCEPT_WORKING_DAYS", DEFAULT_SLOW_ACCEPT_WORKING_DAYS))
    lines: dict[int, list[RecipientStatus]] = {draft_id: [] for draft_id in draft_ids}
    for row in rows:
        timeline = _timeline(row)
        # The current status is the latest by the recipient's clock (ties: the later milestone).
        last = timeline[-1] if timeline else None
        lines[row.draft_id].append(RecipientStatus(
            row.name, row.code, row.agency_id is not None, last.code if last else None,
            last.at if last else row.queued_at, last.note if last else "", row.exchange_state,
            row.outbox_message.state if row.outbox_message else None, timeline,
            is_slow_to_accept(timeline, calendar=calendar, working_days=working_days, now=now)))
    return lines


def outgoing_details(document: Document) -> OutgoingDetails | None:
    draft = db.session.get(OutgoingDraft, document.id)
    if draft is None:
        return None
    return OutgoingDetails(draft, recipient_statuses(draft), latest_returns([document.id]).get(document.id))
