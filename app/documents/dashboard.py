"""The leader's view of incoming documents: waiting for assignment, overdue, due this week."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app.directory.scoping import scoped
from app.extensions import db
from app.vietnam_time import last_day_of_working_week, vietnam_today
from app.workflow.models import Incident

from .access import visible_documents
from .models import ACCEPTED, Document
from .search import OPEN_STATUSES, overdue_condition

LIST_LIMIT = 20


@dataclass
class Dashboard:
    waiting: list[Document]
    overdue: list[Document]
    due_this_week: list[Document]
    counts: dict[str, int]


def leader_dashboard(actor) -> Dashboard:
    today = vietnam_today()
    week_end = last_day_of_working_week(today)
    base = visible_documents(actor).where(Document.direction == "incoming")
    # Registered (03) and not yet assigned: waiting for the leader's Phân công.
    waiting = base.where(Document.status_code == ACCEPTED)
    overdue = base.where(overdue_condition())
    due_soon = base.where(Document.status_code.in_(OPEN_STATUSES), Document.due_date >= today,
                          Document.due_date <= week_end)

    def count(statement) -> int:
        return db.session.scalar(select(func.count()).select_from(statement.subquery()))

    def first(statement, *order) -> list[Document]:
        return list(db.session.scalars(statement.order_by(*order).limit(LIST_LIMIT)))

    return Dashboard(
        waiting=first(waiting, Document.urgency.desc(), Document.received_at),
        overdue=first(overdue, Document.due_date),
        due_this_week=first(due_soon, Document.due_date),
        counts={"waiting": count(waiting), "overdue": count(overdue), "due_this_week": count(due_soon),
                # Cases of the agency stopped at a failed system step (the administrators repair them).
                "incidents": count(scoped(select(Incident.id).where(Incident.status != "resolved"), actor))})
