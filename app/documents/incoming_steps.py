"""What the incoming-document process does to the document at each step (its service-task operators).

Each operator gets the workflow's typed context, changes the document in the completion's
transaction and returns plain data for the process; an exception rolls the whole completion back.
"""
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select

from app.directory.models import Department, User
from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import vietnam_today
from app.workflow.registry import OperatorContext
from app.workflow.scripting_runtime import work_calendar

from .case_subject import operator_document
from .models import (
    ACCEPTED,
    ASSIGNED,
    COMPLETED,
    IN_PROGRESS,
    REFUSED,
    Document,
    DocumentLink,
    DocumentNote,
)
from .numbering import formatted_number, register_year, take_incoming_number
from .receiving import searchable_text
from .status import change_status

# Notes and reply links are written as table rows, built once: no step reads them back as objects, and
# as ORM objects each would cost the audit event's flush after the operator a unit of work.
_INSERT_NOTE = insert(DocumentNote.__table__).inline()  # no RETURNING: nobody reads the id
_INSERT_LINK = insert(DocumentLink.__table__).inline()


def _note(document: Document, kind: str, text: str, actor, department_id: int | None = None) -> None:
    if text and text.strip():
        db.session.execute(_INSERT_NOTE, {"document_id": document.id, "kind": kind, "text": text.strip(),
                                          "author_id": actor.id if actor else None, "department_id": department_id})


def refuse(context: OperatorContext) -> dict:
    """Từ chối tiếp nhận: status 02 with the reason, which the sender sees; no number is taken."""
    document = operator_document(context)
    reason = str(context.task_data.get("refusal_reason") or "").strip()
    document.refusal_reason = reason
    change_status(document, REFUSED, actor=context.actor, note=reason)
    return {"refused": True}


def register(context: OperatorContext) -> dict:
    """Vào sổ: the next số đến of the right book (secret documents have their own), status 03."""
    document = operator_document(context)
    year = register_year()
    book, number = take_incoming_number(document.agency_id, secret=document.secrecy > 0, year=year)
    document.book_id, document.arrival_year, document.arrival_number = book.id, year, number
    document.registered_at, document.registered_by_id = utcnow(), context.actor.id if context.actor else None
    document.search_text = searchable_text(document)
    asked = context.task_data.get("due_date")
    due = date.fromisoformat(str(asked)[:10]) if asked else document.due_date or _default_deadline()
    # Proposed to the leader; the assignment confirms or changes it. Shown the same everywhere meanwhile.
    # Set before the status step, whose audit event flushes the document: one UPDATE carries both.
    document.due_date = due
    change_status(document, ACCEPTED, actor=context.actor,
                  note=_("Số đến %(number)s, %(book)s", number=formatted_number(number), book=book.name))
    return {"arrival_number": number, "book": book.code, "due_date": due.isoformat()}


def _default_deadline() -> date:
    days = current_app.config.get("INCOMING_DEFAULT_DEADLINE_DAYS", 10)
    return work_calendar().add_working_days(vietnam_today(), days)


def assign(context: OperatorContext) -> dict:
    """Phân công: lead unit (or person), supporting units, deadline and the directing opinion; status 04."""
    data, document = context.task_data, operator_document(context)
    lead, *supports = _departments(document, [data.get("lead_department_id"),
                                              *(data.get("support_department_ids") or [])])
    supports = [d for d in supports if d is not None and (lead is None or d.id != lead.id)]
    lead_user = _user(document, data.get("lead_user"))
    due = date.fromisoformat(str(data["due_date"])[:10]) if data.get("due_date") else None
    if due and due < vietnam_today():
        raise ValueError(_("Hạn xử lý đã qua; chọn một ngày từ hôm nay trở đi."))
    document.lead_department_id = lead.id if lead else None
    document.lead_user_id = lead_user.id if lead_user else None
    document.due_date, document.transferred_at = due, utcnow()
    _note(document, "direction", data.get("directing_opinion") or "", context.actor)
    parts = [_("Chủ trì: %(unit)s", unit=lead_user.full_name if lead_user else (lead.name if lead else "—"))]
    if supports:
        parts.append(_("Phối hợp: %(units)s", units=", ".join(d.name for d in supports)))
    if due:
        parts.append(_("Hạn xử lý: %(date)s", date=due.strftime("%d/%m/%Y")))
    change_status(document, ASSIGNED, actor=context.actor, note="; ".join(parts))
    # The form may leave the person blank on a reassignment: the process takes these values, not stale ones.
    return {"support_department_ids": [d.id for d in supports],
            "lead_user": lead_user.username if lead_user else None}


def record_handling(context: OperatorContext) -> dict:
    """The specialist's action: the first one makes the document 'Đang xử lý' (05); notes go on the timeline."""
    data, document = context.task_data, operator_document(context)
    action, note = data.get("handling_action"), str(data.get("handling_note") or "")
    if document.status_code in (ACCEPTED, ASSIGNED):
        change_status(document, IN_PROGRESS, actor=context.actor)
    if action == "extension":
        note = _("Xin gia hạn đến %(date)s: %(note)s", date=_vn_date(data.get("requested_due_date")), note=note)
    elif action == "return":
        note = _("Trả lại lãnh đạo (giao không đúng): %(note)s", note=note)
    _note(document, "result" if action == "finish" else "progress", note, context.actor)
    if action == "finish" and str(data.get("reply_reference") or "").strip():
        db.session.execute(_INSERT_LINK, {"document_id": document.id, "kind": "reply",
                                          "reference": str(data["reply_reference"]).strip()[:128],
                                          "created_by_id": context.actor.id if context.actor else None})
    return {"action": action}


def decide_extension(context: OperatorContext) -> dict:
    """The leader's answer to a request for more time: a granted one moves the document's deadline."""
    data, document = context.task_data, operator_document(context)
    if data.get("extension_granted"):
        new_due = date.fromisoformat(str(data["new_due_date"])[:10])
        document.due_date = new_due
        _note(document, "direction", _("Đồng ý gia hạn đến %(date)s. %(comment)s", date=_vn_date(new_due),
                                       comment=data.get("extension_comment") or ""), context.actor)
        return {"due_date": new_due.isoformat()}
    _note(document, "direction", _("Không đồng ý gia hạn. %(comment)s",
                                   comment=data.get("extension_comment") or ""), context.actor)
    return {"due_date": document.due_date.isoformat() if document.due_date else None}


def record_contribution(context: OperatorContext) -> dict:
    """A supporting unit's contribution, shown to the lead specialist on the document page."""
    data, document = context.task_data, operator_document(context)
    department_id = data.get("department_id") if isinstance(data.get("department_id"), int) else None
    if document.status_code in (ACCEPTED, ASSIGNED):
        change_status(document, IN_PROGRESS, actor=context.actor)
    _note(document, "contribution", str(data.get("contribution") or ""), context.actor, department_id)
    return {"contributed": True}


def complete(context: OperatorContext) -> dict:
    """Hoàn thành: status 06; the document is filed."""
    document = operator_document(context)
    change_status(document, COMPLETED, actor=context.actor)
    return {"completed": True}


def note_deadline(context: OperatorContext) -> dict:
    """Timers: a reminder one working day before the deadline, and the overdue mark at the deadline."""
    document = operator_document(context)
    if document.status_code in (COMPLETED, REFUSED):
        return {}
    text = (_("Quá hạn xử lý (hạn %(date)s).", date=_vn_date(document.due_date))
            if context.params.get("kind") == "overdue"
            else _("Nhắc hạn: còn một ngày làm việc (hạn %(date)s).", date=_vn_date(document.due_date)))
    # Each new handling task (after a progress note) starts its timers again: one note per deadline is enough.
    already = db.session.scalar(select(DocumentNote.id).where(
        DocumentNote.document_id == document.id, DocumentNote.kind == "deadline", DocumentNote.text == text))
    if already is None:
        _note(document, "deadline", text, None)
    return {}


# The departments an assignment names, and the person: read once each, as (id, name) rows (built once).
_AGENCY_DEPARTMENTS = select(Department.id, Department.name, Department.agency_id).where(
    Department.id.in_(bindparam("ids", expanding=True)))
_AGENCY_USER = select(User.id, User.username, User.full_name).where(
    User.username == bindparam("username"), User.agency_id == bindparam("agency_id")).limit(1)


def _departments(document: Document, values: list) -> list:
    """Each value's department of the document's agency (None for a blank one), in one statement; the
    first value that is no number stops it after the ones before it were checked, as one by one did."""
    ids = []
    for value in values:
        try:
            ids.append(None if value in (None, "") else int(value))
        except (TypeError, ValueError):
            _agency_departments(document, ids)
            raise
    return _agency_departments(document, ids)


def _agency_departments(document: Document, ids: list) -> list:
    named = [i for i in ids if i is not None]
    found = {row.id: row for row in db.session.execute(_AGENCY_DEPARTMENTS, {"ids": named})} if named else {}
    if any(found.get(i) is None or found[i].agency_id != document.agency_id for i in named):
        raise ValueError(_("Đơn vị không thuộc cơ quan."))
    return [found[i] if i is not None else None for i in ids]


def _user(document: Document, username):
    if not username:
        return None
    user = db.session.execute(_AGENCY_USER, {"username": str(username), "agency_id": document.agency_id}).first()
    if user is None:
        raise ValueError(_("Người được chọn không thuộc cơ quan."))
    return user


def _vn_date(value) -> str:
    if not value:
        return "—"
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return day.strftime("%d/%m/%Y")


OPERATORS = {
    "documents.refuse": refuse,
    "documents.register": register,
    "documents.assign": assign,
    "documents.record_handling": record_handling,
    "documents.decide_extension": decide_extension,
    "documents.record_contribution": record_contribution,
    "documents.complete": complete,
    "documents.note_deadline": note_deadline,
}
