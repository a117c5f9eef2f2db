"""The demo clock: each step of a document's life stamped with a moment in office hours of the last weeks."""
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import select

from app.extensions import db
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM
from app.workflow.models import HumanTask, ProcessInstance
from app.workflow.scripting_runtime import work_calendar

from ..models import ACCEPTED, ASSIGNED, COMPLETED, REFUSED, Document, DocumentLink, DocumentNote
from .letters import (
    OFFICE_CLOSES,
    OFFICE_OPENS,
)


class DemoClock:
    """The demo clock: moments in office hours over the last three weeks, never later than now."""

    def __init__(self):
        self.calendar = work_calendar()
        self.started = utcnow()  # rows still carrying a time after this one are not stamped yet
        self.latest = self.started - timedelta(minutes=1)
        now = self.latest.astimezone(VIETNAM)
        day = now.date()
        if not self.calendar.is_working_day(day) or now.time() < OFFICE_OPENS:
            day = self.calendar.previous_working_day(day)
        self.last_day = day
        # Số đến restart on 1 January: the demo weeks stay inside the current year, squeezed if need be.
        first = self.calendar.add_working_days(date(now.year, 1, 1), 0)
        self.first_day = first if first <= day else None
        self.new_year = datetime(now.year, 1, 1, tzinfo=VIETNAM)

    def day(self, moment: datetime) -> date:
        return moment.astimezone(VIETNAM).date()

    def _at(self, day: date, at: clock_time) -> datetime:
        return datetime.combine(day, at, VIETNAM)

    def arrival(self, days: int, number: int, copy: int) -> datetime:
        """A moment in office hours `days` working days ago, spread over the day by the letter's number."""
        day = self.last_day
        for _ in range(days):
            day = self.calendar.previous_working_day(day)
        if self.first_day and day < self.first_day:
            day = self.first_day
        opened = self._at(day, OFFICE_OPENS)
        moment = opened + timedelta(minutes=15 + (number * 47) % (8 * 60) + 9 * copy)
        if moment < self.new_year:  # the year has had no office hours yet
            opened = self.new_year
        if moment >= self.latest or moment < self.new_year:  # somewhere in the hours gone by
            moment = opened + (self.latest - opened) * ((number % 7) + 1 + copy / 4) / 10
        return moment

    def document_date(self, arrival: datetime, delivered: bool, number: int) -> date:
        """Deliveries are dated the day they come or the day before; paper takes a few days longer."""
        back = number % 2 if delivered else 2 + number % 2
        day = self.day(arrival)
        for _ in range(back):
            day = self.calendar.previous_working_day(day)
        return day

    def signing_time(self, document_date: date, arrival: datetime) -> datetime:
        return min(self._at(document_date, clock_time(16, 10)), arrival - timedelta(minutes=40))

    def after(self, moment: datetime, hours: float) -> datetime:
        """`hours` working hours after `moment`; squeezed in before now when the weeks run out."""
        local, left = moment.astimezone(VIETNAM), timedelta(hours=hours)
        while True:
            day = local.date()
            opens, closes = self._at(day, OFFICE_OPENS), self._at(day, OFFICE_CLOSES)
            if not self.calendar.is_working_day(day) or local >= closes:
                local = self._at(self.calendar.next_working_day(day), OFFICE_OPENS)
                continue
            local = max(local, opens)
            if local + left <= closes:
                result = local + left
                break
            left -= closes - local
            local = self._at(self.calendar.next_working_day(day), OFFICE_OPENS)
        return result if result < self.latest else moment + (self.latest - moment) / 3

    def stamp(self, document: Document, moment: datetime) -> None:
        """Demo back-dating: give the rows the last step wrote (still at the real time) the step's moment."""
        for change in document.statuses:
            if change.at >= self.started:
                change.at = moment
        for row in self._fresh(DocumentNote, DocumentNote.at, DocumentNote.document_id == document.id):
            row.at = moment
        links = self._fresh(DocumentLink, DocumentLink.created_at, DocumentLink.document_id == document.id)
        tasks = self._fresh(HumanTask, HumanTask.created_at, HumanTask.instance_id == document.instance_id)
        for row in [*links, *tasks]:
            row.created_at = moment

    def stamp_deadline_notes(self, document: Document, deadline: date) -> None:
        """The timers' notes: the reminder at the end of the working day before the deadline, then overdue."""
        reminded = self._at(self.calendar.previous_working_day(deadline), clock_time(23, 59))
        passed = self._at(deadline, clock_time(23, 59, 30))
        for note in db.session.scalars(select(DocumentNote).where(DocumentNote.document_id == document.id,
                                                                  DocumentNote.kind == "deadline")):
            note.at = passed if note.text.startswith("Quá hạn") else reminded

    def _fresh(self, model, column, condition):
        """Rows of `model` matching `condition` whose time `column` is still the real one."""
        return db.session.scalars(select(model).where(condition, column >= self.started)).all()

    def settle(self, document: Document) -> None:
        """The document's own times, and its case's, from its stamped status trail."""
        db.session.flush()
        statuses = document.statuses
        document.received_at = statuses[0].at
        for change in statuses:
            if change.code == ACCEPTED:
                document.registered_at = change.at
            elif change.code == ASSIGNED:
                document.transferred_at = change.at
            elif change.code in (COMPLETED, REFUSED):
                document.completed_at = change.at
        instance = db.session.get(ProcessInstance, document.instance_id)
        last = max([statuses[-1].at] + list(db.session.scalars(
            select(DocumentNote.at).where(DocumentNote.document_id == document.id))))
        instance.started_at, instance.updated_at = document.received_at, min(last, self.latest)
        if instance.completed_at is not None:
            instance.completed_at = statuses[-1].at
        db.session.flush()
