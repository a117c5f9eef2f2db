"""The retention engine: hand-over notices 30 days ahead, and destruction proposals when a retention period
has ended. It never deletes anything: a proposal waits for a leader, and an approval only sends the dossier
to the destruction review (Hội đồng xác định giá trị tài liệu), which happens outside this system.

The two rules of the law, each in one function:
- handover_due_on: Luật Lưu trữ 2024 (Điều 20) and Decree 30 — a dossier is handed over to the agency archive
  within one year from the end of the year its work ended; the work ends when the dossier is closed, so a
  dossier closed in year Y is due by 31/12 of Y + 1.
- retention_ends_on: a retention period of N years is counted in whole years from the year the work ended
  (Thông tư 10/2022/TT-BNV), so it ends on 31/12 of Y + N; "Vĩnh viễn" (no years) never ends.

The sweep (a daily job, app.jobs.runner) is idempotent: a notice's dedupe key names the dossier and its due
date, and a dossier has at most one proposal row; running it twice tells nobody twice and proposes nothing twice.
"""
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select

from app.audit.services import record
from app.directory.models import User, UserRole
from app.directory.roles import CLERK, LEADER, UNIT_HEAD
from app.extensions import db
from app.notifications.models import DOSSIER_DUE
from app.notifications.services import notify_people
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM

from .models import CLOSED, Dossier, RetentionPeriod
from .retention_models import APPROVED, KEPT, PROPOSED, DestructionProposal
from .services import DossierRefused

NOTICE_DAYS = 30  # Decree 30: the clerk and the unit are told 30 days before a dossier is due
REASON_MAX = 2000
MAX_KEEP_YEARS = 100


def work_ended_year(closed_at: datetime) -> int:
    """The year a dossier's work ended: the Vietnamese calendar year it was closed in."""
    return closed_at.astimezone(VIETNAM).year


def handover_due_on(closed_at: datetime) -> date:
    """The last day to hand a dossier closed at `closed_at` over to the agency archive: 31/12 of the next year."""
    return date(work_ended_year(closed_at) + 1, 12, 31)


def retention_ends_on(closed_at: datetime, years: int | None) -> date | None:
    """The last day of the retention period (31/12 of the closing year + years); None: kept permanently."""
    if years is None:
        return None
    return date(work_ended_year(closed_at) + years, 12, 31)


def _dossier_key(dossier_id: int, due: date) -> str:
    return f"{DOSSIER_DUE}:{dossier_id}:{due.isoformat()}"


def dossier_from_key(dedupe_key: str | None) -> int | None:
    """The dossier a DOSSIER_DUE notice is about, read back from its dedupe key."""
    kind, _sep, rest = (dedupe_key or "").partition(":")
    number = rest.partition(":")[0]
    return int(number) if kind == DOSSIER_DUE and number.isdigit() else None


def _people_to_tell(dossier: Dossier) -> set[int]:
    """The agency's active clerks, the dossier's responsible person and the head(s) of its unit."""
    clerks = db.session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.agency_id == dossier.agency_id, User.active.is_(True), UserRole.role == CLERK))
    people = set(clerks)
    if dossier.responsible is not None and dossier.responsible.active:
        people.add(dossier.responsible_id)
    if dossier.department_id is not None:
        people.update(db.session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
            User.department_id == dossier.department_id, User.active.is_(True), UserRole.role == UNIT_HEAD)))
    return people


def notify_due_dossiers(today: date) -> int:
    """Tell who must hand over each closed dossier due within NOTICE_DAYS (and not yet past due, nor handed
    over already: its package was built); returns
    how many dossiers were due. Closing years are bounded so the query reads only the two candidate years."""
    told = 0
    # Due within [today, today + 30]: closed in the year before the due year (one or two candidate years).
    due_years = {today.year, (today + timedelta(days=NOTICE_DAYS)).year}
    earliest = datetime(min(due_years) - 1, 1, 1, tzinfo=VIETNAM)
    latest = datetime(max(due_years), 1, 1, tzinfo=VIETNAM)
    candidates = db.session.scalars(select(Dossier).where(
        Dossier.status == CLOSED, Dossier.closed_at.is_not(None), Dossier.closed_at >= earliest,
        Dossier.closed_at < latest, Dossier.handed_over_at.is_(None)).order_by(Dossier.id))
    for dossier in candidates:
        due = handover_due_on(dossier.closed_at)
        if not today <= due <= today + timedelta(days=NOTICE_DAYS):
            continue
        told += 1
        notify_people(_people_to_tell(dossier), DOSSIER_DUE, note=f"{dossier.code} {due:%d/%m/%Y}",
                      dedupe_key=_dossier_key(dossier.id, due))
    return told


def propose_expired_dossiers(today: date) -> int:
    """Propose every closed dossier whose retention period ended before today, without a legal hold, for
    destruction review; a dossier kept longer is proposed again once its keep-until year is over."""
    latest_closing = datetime(today.year, 1, 1, tzinfo=VIETNAM)
    candidates = db.session.execute(select(Dossier, RetentionPeriod.years).join(
        RetentionPeriod, RetentionPeriod.id == Dossier.retention_id).where(
        Dossier.status == CLOSED, Dossier.closed_at.is_not(None), Dossier.legal_hold.is_(False),
        RetentionPeriod.years.is_not(None), Dossier.closed_at < latest_closing,
        ~exists().where(DestructionProposal.dossier_id == Dossier.id, DestructionProposal.state != KEPT))
        .order_by(Dossier.id)).all()
    proposed = 0
    for dossier, years in candidates:
        ended = retention_ends_on(dossier.closed_at, years)
        if ended is None or ended >= today:
            continue
        proposal = db.session.scalar(select(DestructionProposal).where(DestructionProposal.dossier_id == dossier.id))
        if proposal is not None and proposal.keep_until_year is not None and today.year <= proposal.keep_until_year:
            continue
        if proposal is None:
            proposal = DestructionProposal(dossier_id=dossier.id, agency_id=dossier.agency_id)
            db.session.add(proposal)
        proposal.state, proposal.retention_ended_on, proposal.proposed_at = PROPOSED, ended, utcnow()
        db.session.flush()
        record("dossier_destruction_proposed", subject=dossier, agency_id=dossier.agency_id,
               retention_ended_on=ended.isoformat(), proposal_id=proposal.id)
        proposed += 1
    return proposed


def sweep_dossier_retention(today: str | None = None) -> dict[str, int]:
    """The daily job: hand-over notices and destruction proposals (`today`: an ISO date, for tests)."""
    day = date.fromisoformat(today) if today else utcnow().astimezone(VIETNAM).date()
    return {"due": notify_due_dossiers(day), "proposed": propose_expired_dossiers(day)}


# The leaders' decision.

def may_review(actor) -> bool:
    """Who sees the agency's proposals: its clerks (who prepare the review) and leaders."""
    return actor.has_role(CLERK, LEADER)


def may_decide(proposal: DestructionProposal, actor) -> bool:
    return actor.has_role(LEADER) and proposal.agency_id == actor.agency_id


def proposals_of(actor, *, state: str | None = None):
    """The actor's agency's proposals, oldest ended first (a select)."""
    statement = select(DestructionProposal).where(DestructionProposal.agency_id == actor.agency_id)
    if state:
        statement = statement.where(DestructionProposal.state == state)
    return statement.order_by(DestructionProposal.retention_ended_on, DestructionProposal.id)


def decide(proposal: DestructionProposal, *, actor, decision: str, reason: str, keep_until_year: int | None,
           today: date) -> DestructionProposal:
    """A leader keeps the dossier longer (reason and a year to look again) or approves it for the destruction
    review. Either way the dossier and its documents stay exactly as they are; the decision is audited."""
    if not may_decide(proposal, actor):
        raise DossierRefused({"__form__": _("Chỉ lãnh đạo cơ quan quyết định hồ sơ hết thời hạn bảo quản.")})
    if proposal.state != PROPOSED:
        raise DossierRefused({"__form__": _("Đề nghị này đã được quyết định.")})
    reason = (reason or "").strip()
    errors = {}
    if decision not in (KEPT, APPROVED):
        errors["decision"] = _("Chọn giữ lại hoặc đưa ra xét hủy.")
    if len(reason) > REASON_MAX:
        errors["reason"] = _("Lý do tối đa 2000 ký tự.")
    elif decision == KEPT and not reason:
        errors["reason"] = _("Nhập lý do giữ lại hồ sơ.")
    if decision == KEPT and (keep_until_year is None or not today.year <= keep_until_year <= today.year
                             + MAX_KEEP_YEARS):
        errors["keep_until_year"] = _("Nhập năm xem xét lại, từ năm nay đến %(last)s.",
                                      last=today.year + MAX_KEEP_YEARS)
    if decision == APPROVED and proposal.dossier.legal_hold:
        errors["decision"] = _("Hồ sơ đang bị phong tỏa theo yêu cầu pháp lý, không đưa ra xét hủy.")
    if errors:
        raise DossierRefused(errors)
    proposal.state, proposal.reason, proposal.decided_by_id, proposal.decided_at = decision, reason, actor.id, utcnow()
    proposal.keep_until_year = keep_until_year if decision == KEPT else None
    db.session.flush()
    record("dossier_retention_decided", actor=actor, subject=proposal.dossier, agency_id=proposal.agency_id,
           proposal_id=proposal.id, decision=decision, reason=reason, keep_until_year=proposal.keep_until_year)
    return proposal
