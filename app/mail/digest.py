"""The daily digest: one email a person a Vietnamese day listing their notices not emailed yet.

Safe to run often and from several workers at once. A runner first claims the person (a lease on their
email_preference row, committed before the slow SMTP conversation so no lock is held during it), sends,
and only once the server accepted the message marks exactly the notices it listed as emailed and the
day as done. A failed send releases the claim and marks nothing: the next run tries again.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import or_, select, true, update
from sqlalchemy.exc import IntegrityError

from app.directory.models import User
from app.dossiers.retention import dossier_from_key
from app.extensions import db
from app.notifications.models import Notification
from app.notifications.subjects import NO_DOCUMENT, notice_subjects
from app.sqltypes import utcnow
from app.vietnam_time import VIETNAM

from .models import DEFAULT_KINDS, EmailPreference
from .preferences import KIND_LABELS, address_problem
from .sending import MailNotSent, build_message, digest_enabled, send_message

log = logging.getLogger(__name__)

# A runner that claimed a person and died: after this long another runner sends their digest.
CLAIM_LEASE = timedelta(minutes=15)
# Listed in one email; the rest are counted ("và N thông báo khác") and handled with it.
MAX_LISTED = 100


@dataclass
class DigestRun:
    sent: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class DigestLine:
    kind: str
    title: str
    note: str
    actor: str
    created_at: datetime
    url: str


def send_daily_digests(now: datetime | None = None, *, any_hour: bool = False) -> DigestRun:
    """Send today's digests still due (at or after MAIL_DIGEST_HOUR, Vietnam time, unless `any_hour`: an
    operator's `flask mail digest`); nothing when email is off."""
    config = current_app.config
    run = DigestRun()
    if not digest_enabled(config):
        return run
    now = now or utcnow()
    local = now.astimezone(VIETNAM)
    if not any_hour and local.hour < int(config["MAIL_DIGEST_HOUR"]):
        return run
    today = local.date()
    waiting = (select(Notification.user_id).distinct()
               .outerjoin(EmailPreference, EmailPreference.user_id == Notification.user_id)
               .where(Notification.emailed_at.is_(None),
                      or_(EmailPreference.digest_day.is_(None), EmailPreference.digest_day < today)))
    user_ids = db.session.scalars(waiting).all()
    db.session.commit()
    for user_id in user_ids:
        try:
            if _send_digest(user_id, today, now, config):
                run.sent += 1
        except MailNotSent as failure:
            run.failures.append(failure.reason)
        except Exception:  # one person's broken digest must not hold back everyone after them
            db.session.rollback()
            log.exception("Email digest of user %s failed", user_id)
            run.failures.append(_("Lỗi khi soạn thư (xem nhật ký máy chủ)."))
            _release(user_id)
    return run


def send_daily_digests_job(now: str | None = None) -> int:
    """The scheduled job (JSON-friendly arguments): the number of digests sent."""
    run = send_daily_digests(datetime.fromisoformat(now) if now else None)
    for reason in sorted(set(run.failures)):
        log.warning("Email digests not sent (%s of them), retried next run: %s", run.failures.count(reason), reason)
    return run.sent


def _send_digest(user_id: int, today: date, now: datetime, config) -> bool:
    if not _claim(user_id, today, now):
        return False
    user = db.session.get(User, user_id)
    kinds = _kinds_for(user)
    # Kinds the person did not choose (all of them without an address) are done with as far as email goes.
    db.session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.emailed_at.is_(None),
        Notification.kind.not_in(kinds) if kinds else true()).values(emailed_at=now))
    notices = db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.emailed_at.is_(None), Notification.kind.in_(kinds))
        .order_by(Notification.created_at.desc(), Notification.id.desc())).all() if kinds else []
    if not notices:
        _release(user_id)
        return False
    message = _digest_message(user, notices, config)
    ids = [notice.id for notice in notices]
    db.session.commit()  # no transaction stays open through the SMTP conversation
    try:
        send_message(config, message)
    except MailNotSent:
        _release(user_id)
        raise
    db.session.execute(update(Notification).where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
                       .values(emailed_at=now))
    db.session.execute(update(EmailPreference).where(EmailPreference.user_id == user_id)
                       .values(digest_day=today, digest_claimed_at=None))
    db.session.commit()
    return True


def _kinds_for(user) -> tuple[str, ...]:
    """The kinds to email the person; none without a usable address (an administrator's import may have
    kept one the preferences page would refuse)."""
    if user is None or not user.active or not user.email or address_problem(user.email):
        return ()
    preference = db.session.get(EmailPreference, user.id)
    return preference.chosen_kinds() if preference is not None else DEFAULT_KINDS


def _claim(user_id: int, today: date, now: datetime) -> bool:
    """Take the person's digest for today, unless it was sent or another runner holds it."""
    if db.session.get(EmailPreference, user_id) is None:
        try:
            with db.session.begin_nested():
                db.session.add(EmailPreference(user_id=user_id))
        except IntegrityError:  # another runner made it at the same moment
            pass
    claimed = db.session.execute(update(EmailPreference).where(
        EmailPreference.user_id == user_id,
        or_(EmailPreference.digest_day.is_(None), EmailPreference.digest_day < today),
        or_(EmailPreference.digest_claimed_at.is_(None), EmailPreference.digest_claimed_at < now - CLAIM_LEASE))
        .values(digest_claimed_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _release(user_id: int) -> None:
    db.session.execute(update(EmailPreference).where(EmailPreference.user_id == user_id)
                       .values(digest_claimed_at=None).execution_options(synchronize_session=False))
    db.session.commit()


def _digest_message(user, notices, config):
    lines = _lines(user, notices[:MAX_LISTED], config)
    context = {"user": user, "lines": lines, "more": len(notices) - len(lines),
               "home": _absolute_url(config, "web.dashboard", {}),
               "preferences": _absolute_url(config, "mail.preferences_page", {})}
    subject = _("[Liên Thông] %(n)s thông báo mới", n=len(notices))
    return build_message(config, to_address=user.email, to_name=user.full_name, subject=subject,
                         text=render_template("mail/digest.txt", **context),
                         html=render_template("mail/digest.html", **context))


def _lines(user, notices, config) -> list[DigestLine]:
    """What each notice says; a document's subject (and the note about it) only when the person may still
    read it through the document access rule and it is not secret."""
    subjects = notice_subjects(user, (notice.document_id for notice in notices))
    actor_ids = {notice.actor_id for notice in notices if notice.actor_id is not None}
    actors = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(actor_ids))).all()) \
        if actor_ids else {}
    lines = []
    for notice in notices:
        subject = subjects.get(notice.document_id, NO_DOCUMENT)
        title, note = subject.text, "" if subject.withheld else notice.note
        if notice.task_uuid:
            url = _absolute_url(config, "tasks.task", {"task_uuid": notice.task_uuid})
        elif notice.document_id is not None:
            url = _absolute_url(config, "documents.document_detail", {"document_id": notice.document_id})
        elif dossier_from_key(notice.dedupe_key) is not None:  # a dossier due for hand-over (its page checks scope)
            url = _absolute_url(config, "dossiers.dossier_detail", {"dossier_id": dossier_from_key(notice.dedupe_key)})
        else:
            url = _absolute_url(config, "web.dashboard", {})
        lines.append(DigestLine(kind=str(KIND_LABELS.get(notice.kind, notice.kind)), title=title, note=note,
                                actor=actors.get(notice.actor_id, ""), created_at=notice.created_at, url=url))
    return lines


def _absolute_url(config, endpoint: str, values: dict) -> str:
    """A link for outside the site (no request here): PUBLIC_BASE_URL plus the route's path."""
    base = urlsplit(config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http")
    return adapter.build(endpoint, values, force_external=True)
