"""Trang chủ: the start of the day for each role, read in a fixed number of queries whatever the inbox holds.

My tasks come from the inbox index (the same rule as "Việc của tôi"); titles and "Mật" marks from the one
case-secrecy rule; documents and counts from the documents' own visibility rule. Each part is read only
for the roles it is about.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import contains_eager, defer, load_only

from app.audit.models import AuditAnchor, AuditChainHead, ReplayCheck
from app.designer.models import ProcessDraft, TestRun
from app.directory.roles import ADMIN, AUDITOR, CLERK, DESIGNER, LEADER, UNIT_HEAD
from app.directory.scoping import scoped
from app.documents.access import visible_documents
from app.documents.models import ACCEPTED, RECEIVED, Document
from app.documents.search import overdue_condition
from app.extensions import db
from app.notifications.centre import latest_unread
from app.vietnam_time import last_day_of_working_week, start_of_day, vietnam_today
from app.workflow.access import INBOX_ORDERS, my_tasks_query
from app.workflow.case_secrecy import case_labels
from app.workflow.incidents import unresolved_count
from app.workflow.models import HumanTask, ProcessInstance

TASKS_SHOWN = 8
DOCUMENTS_SHOWN = 5
RUNS_SHOWN = 5


@dataclass
class TaskCounts:
    total: int = 0
    overdue: int = 0
    due_this_week: int = 0


@dataclass
class AgencyCounts:
    waiting_assignment: int = 0  # registered (03), not yet given to a unit
    overdue_documents: int = 0
    overdue_tasks: int = 0


@dataclass
class AuditState:
    last_anchor: AuditAnchor | None
    chain_seq: int  # events in the chain: those after the last anchor are not anchored yet
    mismatched: int  # instances in scope whose latest replay did not match the record
    last_check_at: datetime | None


@dataclass
class Home:
    tasks: list[HumanTask]
    titles: dict[int, str]  # instance id -> title the person may see
    secret: set[int]  # instance ids marked "Mật"
    counts: TaskCounts
    week_ends_at: datetime
    to_receive: list[Document] = field(default_factory=list)
    to_receive_count: int = 0
    agency: AgencyCounts | None = None
    drafts: list[ProcessDraft] = field(default_factory=list)
    runs: list[TestRun] = field(default_factory=list)
    audit: AuditState | None = None
    incidents: int | None = None
    notices: list = field(default_factory=list)  # the newest unread notices (NoticeRow)


def week_end(today) -> datetime:
    """The end of the working week's last day (vietnam_time.last_day_of_working_week), in UTC."""
    return start_of_day(last_day_of_working_week(today) + timedelta(days=1))


def home_of(actor, *, now: datetime) -> Home:
    """What the person's home page shows: their tasks, and what their roles look after."""
    mine = my_tasks_query(actor)
    tasks = _first_tasks(mine)
    labels = case_labels(actor, [t.instance for t in tasks])
    ends = week_end(vietnam_today())
    home = Home(tasks, labels.titles, labels.secret, _task_counts(mine, now, ends), ends)
    home.notices = latest_unread(actor)
    if actor.has_role(CLERK):
        home.to_receive, home.to_receive_count = _waiting_to_receive(actor)
    if actor.has_role(LEADER, UNIT_HEAD):
        home.agency = _agency_counts(actor, now)
    if actor.has_role(DESIGNER, ADMIN):
        home.drafts, home.runs = _design_work(actor)
    if actor.has_role(AUDITOR):
        home.audit = _audit_state(actor)
    if actor.has_role(ADMIN):
        home.incidents = unresolved_count(actor)
    return home


def _first_tasks(mine) -> list[HumanTask]:
    # The inbox's "Khẩn trước" order, with each task's case in the same query.
    statement = (mine.join(ProcessInstance).options(contains_eager(HumanTask.instance))
                 .order_by(*INBOX_ORDERS["khan"])
                 .limit(TASKS_SHOWN))
    return list(db.session.scalars(statement))


def _task_counts(mine, now: datetime, ends: datetime) -> TaskCounts:
    mine = mine.subquery()
    row = db.session.execute(select(
        func.count(), func.count(case((mine.c.due_at < now, 1))),
        func.count(case((and_(mine.c.due_at >= now, mine.c.due_at < ends), 1))))).one()
    return TaskCounts(*row)


def _waiting_to_receive(actor) -> tuple[list[Document], int]:
    """Incoming documents that arrived (01) and wait for the clerk to receive and register them."""
    arrived = visible_documents(actor).where(Document.direction == "incoming", Document.status_code == RECEIVED)
    first = db.session.scalars(arrived.order_by(Document.urgency.desc(), Document.received_at).limit(DOCUMENTS_SHOWN))
    return list(first), db.session.scalar(select(func.count()).select_from(arrived.subquery()))


def _agency_counts(actor, now: datetime) -> AgencyCounts:
    incoming = visible_documents(actor, select(
        Document.id, (Document.status_code == ACCEPTED).label("waiting"), overdue_condition().label("overdue"))
    ).where(Document.direction == "incoming").subquery()
    waiting, overdue = db.session.execute(select(
        func.count(case((incoming.c.waiting, 1))), func.count(case((incoming.c.overdue, 1))))).one()
    overdue_tasks = db.session.scalar(select(func.count(HumanTask.id)).where(
        HumanTask.agency_id == actor.agency_id, HumanTask.due_at < now))
    return AgencyCounts(waiting, overdue, overdue_tasks)


def _design_work(actor) -> tuple[list[ProcessDraft], list[TestRun]]:
    drafts = db.session.scalars(select(ProcessDraft).options(defer(ProcessDraft.bpmn_xml), defer(ProcessDraft.forms))
                                .order_by(ProcessDraft.updated_at.desc()))
    runs = db.session.scalars(select(TestRun).options(load_only(TestRun.id, TestRun.process_id, TestRun.status,
                                                                TestRun.started_at))
                              .where(TestRun.started_by_id == actor.id).order_by(TestRun.id.desc()).limit(RUNS_SHOWN))
    return list(drafts), list(runs)


def _audit_state(actor) -> AuditState:
    anchor = db.session.scalars(select(AuditAnchor).options(defer(AuditAnchor.signature))
                                .order_by(AuditAnchor.id.desc()).limit(1)).first()
    chain_seq = db.session.scalar(select(AuditChainHead.seq).where(AuditChainHead.id == 1)) or 0
    latest = (select(ReplayCheck.instance_id, func.max(ReplayCheck.id).label("check_id"))
              .group_by(ReplayCheck.instance_id).subquery())
    in_scope = scoped(select(ProcessInstance.id), actor).subquery()
    mismatched, last_check_at = db.session.execute(
        select(func.count(case((ReplayCheck.matches.is_(False), 1))), func.max(ReplayCheck.checked_at))
        .join(latest, latest.c.check_id == ReplayCheck.id)
        .where(ReplayCheck.instance_id.in_(select(in_scope.c.id)))).one()
    return AuditState(anchor, chain_seq, mismatched, last_check_at)
