"""Which kept monthly reports a person may list and download: the agency scope rule of app.reports.access."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db

from .access import report_agency_ids
from .monthly import month_key, read_month
from .monthly_models import MonthlyReport

LIST_LIMIT = 500


def monthly_reports_for(actor, month_text: str | None = None) -> list[MonthlyReport]:
    """The kept reports (and the ones not made yet, with why) of the actor's agencies, newest month first;
    MonthRefused for a month that cannot be meant."""
    statement = select(MonthlyReport).options(joinedload(MonthlyReport.agency))
    agency_ids = report_agency_ids(actor)
    if agency_ids is not None:
        statement = statement.where(MonthlyReport.agency_id.in_(agency_ids))
    if month_text:
        statement = statement.where(MonthlyReport.month == month_key(read_month(month_text)))
    return list(db.session.scalars(statement.order_by(MonthlyReport.month.desc(), MonthlyReport.agency_id)
                                   .limit(LIST_LIMIT)))


def monthly_report_for(actor, report_id: int) -> MonthlyReport | None:
    """One kept report the actor may download (None: absent, not made, or another agency's)."""
    row = db.session.get(MonthlyReport, report_id)
    agency_ids = report_agency_ids(actor)
    if row is None or not row.done or (agency_ids is not None and row.agency_id not in agency_ids):
        return None
    return row
