"""Deadline timers on the specialist's handling task: a reminder one working day before, overdue at the deadline."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.documents.models import DocumentNote
from app.jobs.timers import fire_due_timers
from app.vietnam_time import vietnam_today
from app.workflow.models import HumanTask
from app.workflow.runtime import complete_task
from app.workflow.scripting import iso_end_of_day
from app.workflow.scripting_runtime import work_calendar

from ..workflow.engine_clock import shift_engine_clock

SECOND = timedelta(seconds=1)


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def _task(db, document, spec_id):
    return db.session.scalars(select(HumanTask).where(HumanTask.instance_id == document.instance_id,
                                                      HumanTask.spec_id == spec_id)).one()


def _deadline_notes(db, document):
    return [n.text for n in db.session.scalars(select(DocumentNote).where(
        DocumentNote.document_id == document.id, DocumentNote.kind == "deadline").order_by(DocumentNote.id))]


def test_reminder_and_overdue_notes_reach_the_document(office, bring_in, db, monkeypatch):
    document = bring_in(office).document
    unit, head, specialist = office.units[0]
    due = work_calendar().add_working_days(vietnam_today(), 3)
    complete_task(_task(db, document, "register").task_uuid, {"route": "leader"}, actor=office.clerk)
    complete_task(_task(db, document, "assign").task_uuid,
                  {"lead_department_id": unit.id, "due_date": due.isoformat()}, actor=office.leader)
    complete_task(_task(db, document, "dispatch_lead").task_uuid, {"specialist": specialist.username}, actor=head)
    handle = _task(db, document, "handle")
    deadline_at = _utc(iso_end_of_day(due))
    assert handle.due_at == deadline_at

    reminder_at = _utc(iso_end_of_day(work_calendar().add_working_days(due, -1)))
    shift_engine_clock(monkeypatch, reminder_at + SECOND)
    assert fire_due_timers(reminder_at + SECOND) == 1
    assert _deadline_notes(db, document) == [f"Nhắc hạn: còn một ngày làm việc (hạn {due:%d/%m/%Y})."]

    # A progress note makes a new handling task whose reminder is already due: no second reminder note.
    complete_task(_task(db, document, "handle").task_uuid,
                  {"handling_action": "progress", "handling_note": "Đang làm"}, actor=specialist)
    shift_engine_clock(monkeypatch, deadline_at + SECOND)
    fire_due_timers(deadline_at + SECOND)
    assert _deadline_notes(db, document) == [f"Nhắc hạn: còn một ngày làm việc (hạn {due:%d/%m/%Y}).",
                                             f"Quá hạn xử lý (hạn {due:%d/%m/%Y})."]
    assert _task(db, document, "handle").spec_id == "handle"  # the specialist can still finish late
