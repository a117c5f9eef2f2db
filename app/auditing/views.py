"""Kiểm toán pages: the audit events of an agency and period, as CSV (one row per event of the chain)."""
import json
from datetime import timedelta

from flask import Blueprint, Response, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent
from app.auth.decorators import role_required
from app.auth.session import signed_in_user
from app.directory.models import Agency
from app.directory.roles import AUDITOR
from app.directory.scoping import scoped, visible_agency_ids
from app.documents.access import visible_documents
from app.documents.models import Document
from app.extensions import db
from app.rendering.tables import Column, to_csv
from app.vietnam_time import parse_day_or_none, start_of_day, unreadable_day, vietnam_today
from app.vietnamese_order import vietnamese
from app.web.refusals import day_refused
from app.web.routing import bounded_int
from app.workflow.case_secrecy import SECRET_TITLE

from .secrecy import events_about_hidden_subjects

bp = Blueprint("audit", __name__)
MAX_EVENTS = 100_000
EVENT_COLUMNS = (
    Column("seq", "Số", grouped=False), Column("at", "Thời điểm"), Column("type", "Sự kiện"),
    Column("actor", "Người thực hiện"), Column("on_behalf_of", "Thay mặt"), Column("agency", "Cơ quan"),
    Column("subject", "Đối tượng"), Column("data", "Dữ liệu (JSON)"), Column("hash", "Mã băm"),
)


def _period():
    today = vietnam_today()
    start = parse_day_or_none(request.args.get("from")) or today.replace(day=1)
    end = parse_day_or_none(request.args.get("to")) or today
    return (start, end) if start <= end else (end, start)


@bp.route("/kiem-toan")
@role_required(AUDITOR)
def audit_home():
    actor = signed_in_user()
    agencies = db.session.scalars(scoped(select(Agency), actor).order_by(vietnamese(Agency.name))).all()
    start, end = _period()
    wanted = (request.args.get("so") or "").strip()
    found = documents_numbered(wanted, actor) if wanted else None
    return render_template("audit/home.html", agencies=agencies, start=start, end=end, wanted=wanted,
                           found=found)


def documents_numbered(wanted: str, actor, limit: int = 50) -> list[Document]:
    """Documents the auditor may see whose số/ký hiệu (or số đến) is the one typed: "15/QĐ-UBND", "15"."""
    number, _slash, notation = wanted.partition("/")
    match = Document.number == number.strip()
    if notation.strip():
        # Notations are written in capitals; upper() on both sides (SQLite's only folds ASCII, so the stored
        # side stays as written and the typed side is folded here).
        match = match & (func.upper(Document.notation) == notation.strip().upper())
    if number.strip().isdecimal() and len(number.strip()) < 10:  # not "²", within the column
        match = match | (Document.arrival_number == int(number))
    statement = visible_documents(actor, select(Document).where(match))
    return list(db.session.scalars(statement.options(selectinload(Document.agency))
                                   .order_by(Document.id.desc()).limit(limit)))


@bp.route("/kiem-toan/su-kien.csv")
@role_required(AUDITOR)
def events_csv():
    actor = signed_in_user()
    if unreadable_day(request.args.get("from")) or unreadable_day(request.args.get("to")):
        raise day_refused()
    start, end = _period()
    statement = (select(AuditEvent).where(AuditEvent.occurred_at >= start_of_day(start),
                                          AuditEvent.occurred_at < start_of_day(end + timedelta(days=1)))
                 .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.on_behalf_of))
                 .order_by(AuditEvent.seq).limit(MAX_EVENTS))
    visible = visible_agency_ids(actor)
    agency_id = request.args.get("co_quan", type=bounded_int)
    if agency_id is not None and (visible is None or agency_id in visible):
        statement = statement.where(AuditEvent.agency_id == agency_id)
    elif visible is not None:
        statement = statement.where(AuditEvent.agency_id.in_(visible))
    codes = dict(db.session.execute(select(Agency.id, Agency.code)).all())
    events = list(db.session.scalars(statement))
    hidden = events_about_hidden_subjects(actor, events)
    rows = ({"seq": e.seq, "at": e.occurred_at, "type": e.event_type,
             "actor": e.actor.username if e.actor else "", "on_behalf_of": e.on_behalf_of.username if e.on_behalf_of else "",
             "agency": codes.get(e.agency_id, ""), "subject": f"{e.subject_type or ''}:{e.subject_id or ''}",
             "data": str(SECRET_TITLE) if e.seq in hidden else json.dumps(e.data, ensure_ascii=False, sort_keys=True),
             "hash": e.hash}
            for e in events)
    name = f"su-kien-kiem-toan-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return Response(to_csv(EVENT_COLUMNS, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
