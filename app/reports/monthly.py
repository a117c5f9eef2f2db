"""The monthly report of each agency: both handling reports of the month that ended, in the Decree 30
layout, signed with the agency's key (its seal key, a PKCS#12 kept by the server or a key in a PKCS#11
token), kept in the file store and listed.

The job runs hourly and is idempotent: one row per agency and month (a unique constraint); a row without
a file (no key yet, a failure) is tried again on the next run; a second worker skips rows the first holds.
The signed file is placed in the store only after the PDF is signed, and removed again when the row that
names it cannot be committed: no file without its row.
"""
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.directory.models import Agency
from app.extensions import db
from app.filestore import path_for, store_pdf
from app.signing.keystore import KeyRefused, agency_key
from app.signing.pades import sign_pdf
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import crls_from_config
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM

from .decree_layout import BOTH_SUBJECT, INCOMING_SUBJECT, OUTGOING_SUBJECT, Section, decree_report_html
from .exports import performance_columns, performance_rows
from .facts import refresh_document_facts
from .handling_exports import letterhead_for, outgoing_columns, outgoing_rows
from .monthly_models import MonthlyReport
from .outgoing_handling import build_outgoing_handling
from .performance import build_performance
from .periods import Period
from .recipient_facts import refresh_recipient_facts

log = logging.getLogger(__name__)
MONTH_TEXT = re.compile(r"\d{4}-\d{2}")
SIGNATURE_FIELD = "CoQuanBanHanh"
MAX_REPORT_BYTES = 50 * 1024 * 1024


class MonthRefused(ValueError):
    """A month or agency the monthly report cannot be made for; the message is for people."""


@dataclass
class MonthlyOutcome:
    agency_code: str
    month: str
    made: bool  # the signed report exists
    failure: str = ""
    by_this_run: bool = False


def month_key(first: date) -> str:
    return f"{first:%Y-%m}"


def month_period(first: date) -> Period:
    return Period("month", first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))


def last_ended_month(now: datetime) -> date:
    this_month = now.astimezone(VIETNAM).date().replace(day=1)
    return (this_month - timedelta(days=1)).replace(day=1)


def read_month(text: str | None) -> date:
    """The first day of a month written YYYY-MM; MonthRefused otherwise."""
    text = str(text or "")
    if not MONTH_TEXT.fullmatch(text) or not 1 <= int(text[5:]) <= 12 or not 1900 <= int(text[:4]) <= 2200:
        raise MonthRefused(_("Tháng không hợp lệ: nhập theo dạng YYYY-MM, ví dụ 2026-10."))
    return date(int(text[:4]), int(text[5:]), 1)


def parse_month(text: str | None, *, now: datetime | None = None) -> date:
    """The first day of a month written YYYY-MM that has ended; MonthRefused otherwise."""
    first = read_month(text)
    if first > last_ended_month(now or utcnow()):
        raise MonthRefused(_("Tháng %(month)s chưa kết thúc; chỉ lập báo cáo cho tháng đã qua.", month=text))
    return first


def monthly_report_html(agency: Agency, first: date, *, place: str, issued_on: date) -> str:
    """Both handling reports of the agency for the month, per unit, as one Decree 30 document (HTML: the
    numbers are read here, the slow rendering happens after the read transaction ends)."""
    period, scope = month_period(first), (agency.id,)
    incoming = build_performance(period, scope, "unit")
    outgoing = build_outgoing_handling(period, scope, "unit")
    sections = [Section(f"I. {INCOMING_SUBJECT}", performance_columns("unit"), performance_rows(incoming)),
                Section(f"II. {OUTGOING_SUBJECT}", outgoing_columns("unit"), outgoing_rows(outgoing))]
    return decree_report_html(letterhead_for(agency, place), subject=f"{BOTH_SUBJECT} tháng {first:%m/%Y}",
                              start=period.start, end=period.end, sections=sections, issued_on=issued_on)


def _claim(agency_id: int, month: str) -> MonthlyReport | None:
    """The agency's row for the month, locked for this run; None when another worker holds it."""
    statement = select(MonthlyReport).where(MonthlyReport.agency_id == agency_id, MonthlyReport.month == month)
    row = db.session.scalars(statement.with_for_update(skip_locked=True)).first()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = MonthlyReport(agency_id=agency_id, month=month, signer_subject="", failure="", attempts=0)
            db.session.add(row)
    except IntegrityError:  # made (or being made) by another worker
        return None
    return row


def make_monthly_report(agency: Agency, first: date, *, config, now: datetime) -> tuple[MonthlyReport | None, Path | None]:
    """Make and sign the agency's report for the month unless it exists; return the row and the file newly
    placed in the store (for the caller to remove if its commit fails).

    Commits once, before rendering and signing (a second or more): the numbers are read, and nothing stays
    locked meanwhile (SQLite locks the whole database for a transaction's length). The row is claimed after;
    a worker that finds it taken or made by then throws its own PDF away, never placed.
    """
    from app.rendering.pdf import render_pdf  # WeasyPrint: paid by the job only, never by the web pages

    agency_id, key = agency.id, month_key(first)
    try:
        with agency_key(agency_id, config, crls=crls_from_config(config), now=now) as (_credential, credentials):
            html = monthly_report_html(agency, first, place=config["DOCUMENT_PLACE_NAME"],
                                       issued_on=now.astimezone(VIETNAM).date())
            db.session.commit()
            signed = sign_pdf(render_pdf(html), credentials, field_name=SIGNATURE_FIELD,
                              reason=f"Báo cáo định kỳ tháng {first:%m/%Y}", timestamper=timestamper_from_config(config))
            subject = credentials.certificate.subject.human_friendly
    except KeyRefused as refused:
        signed, failure = None, refused.message
    row = _claim(agency_id, key)
    if row is None or row.done:
        return row, None
    row.attempts, row.attempted_at = (row.attempts or 0) + 1, now
    if signed is None:
        row.failure = failure
        db.session.flush()
        return row, None
    # The row first: a file is placed only once the row naming it is flushed.
    row.file_sha256, row.file_size, row.signed_at = hashlib.sha256(signed).hexdigest(), len(signed), now
    row.signer_subject, row.failure = subject[:255], ""
    db.session.flush()
    files_dir = Path(config["FILES_DIR"])
    store_pdf(io.BytesIO(signed), f"bao-cao-{key}.pdf", files_dir=files_dir, max_bytes=MAX_REPORT_BYTES)
    return row, path_for(files_dir, row.file_sha256)


def run_monthly_reports(month: str | None = None, agency_code: str | None = None) -> list[MonthlyOutcome]:
    """The job (and `flask reports monthly`): each active agency's report for `month` (default: the month
    that ended last), one commit per agency so one agency's failure never undoes another's report."""
    now = utcnow()
    first = parse_month(month, now=now) if month else last_ended_month(now)
    statement = select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)
    if agency_code is not None:
        statement = select(Agency).where(Agency.code == agency_code)
    agencies = db.session.scalars(statement).all()
    if agency_code is not None and not agencies:
        raise MonthRefused(_("Không có cơ quan mã %(code)s.", code=agency_code))
    done = set(db.session.scalars(select(MonthlyReport.agency_id).where(
        MonthlyReport.month == month_key(first), MonthlyReport.file_sha256.is_not(None))))
    agencies = [agency for agency in agencies if agency.id not in done]
    if not agencies:  # the hourly run after the month's reports are made: nothing to read
        return []
    refresh_document_facts(now=now)
    refresh_recipient_facts(now=now)
    db.session.commit()
    config = current_app.config
    return [_one(agency, first, config, now) for agency in agencies]


def make_monthly_reports() -> int:
    """The scheduled job: the last ended month's reports not made yet; returns how many were made."""
    return sum(outcome.by_this_run for outcome in run_monthly_reports())


def _one(agency: Agency, first: date, config, now: datetime) -> MonthlyOutcome:
    code, placed = agency.code, None
    try:
        row, placed = make_monthly_report(agency, first, config=config, now=now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if placed is not None:
            placed.unlink(missing_ok=True)
        log.exception("Monthly report of %s for %s failed", code, month_key(first))
        return _record_failure(agency.id, code, first, now)
    if row is None:
        return MonthlyOutcome(code, month_key(first), False, _("Một tiến trình khác đang lập báo cáo này."))
    return MonthlyOutcome(code, month_key(first), row.done, row.failure, by_this_run=placed is not None)


def _record_failure(agency_id: int, code: str, first: date, now: datetime) -> MonthlyOutcome:
    reason = _("Không lập được báo cáo do lỗi hệ thống; sẽ thử lại ở lần chạy sau.")
    try:
        row = _claim(agency_id, month_key(first))
        if row is not None and not row.done:
            row.failure, row.attempted_at = reason, now
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Could not record the monthly report's failure")
    return MonthlyOutcome(code, month_key(first), False, reason)
