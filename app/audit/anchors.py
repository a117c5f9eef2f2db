"""Anchors: the audit chain's head, signed and timestamped by the installation's key (on demand, hourly).

Each anchor is kept twice: a row in the database and a line in the anchor log outside it
(anchor_log). `verify_anchors` checks each anchor's signature, that the event it names still carries
the hash it signed (rewriting history and recomputing the hashes after it shows here), and that the
chain still reaches it (cutting its end shows here); that every anchor row is in the log (rows and log
disagreeing shows a deleted or replaced log); and that no event stays unanchored longer than the
anchoring interval plus a grace (deleting the anchors, in the database and the log, shows here). The
chain's own walk (verification.verify_chain) catches the cruder edits.

A line in the log without its row is an anchor whose transaction rolled back after the line was
written (or whose row was deleted): it is checked against the chain like any other and counted, and
it protects the history up to it just as well, so it is not a failure.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.rendering.formats import format_datetime
from app.signing.detached import sign_detached, verify_detached
from app.signing.installation import installation_credentials
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import crls_from_config, trust_roots_from_config
from app.sqltypes import utcnow

from .anchor_log import AnchorLogError, anchor_log_path, append_to_anchor_log, read_anchor_log
from .models import AuditAnchor, AuditChainHead, AuditEvent
from .services import HEAD_ID


def anchor_message(seq: int, head_hash: str) -> bytes:
    return f"lienthong-audit-anchor:{seq}:{head_hash}".encode()


def anchor_chain(config) -> AuditAnchor | None:
    """Sign the current head and log it; None when it is already anchored (nothing happened since).

    Call it in a transaction that has appended no event (the job, `flask audit anchor`): the log line
    outlives a rollback, so the head it signs must already be committed.
    """
    head = db.session.get(AuditChainHead, HEAD_ID, populate_existing=True)
    if head is None or head.seq == 0:
        return None
    last = db.session.scalar(select(func.max(AuditAnchor.seq)))
    if last is not None and last >= head.seq:
        return None
    signature = sign_detached(anchor_message(head.seq, head.hash), installation_credentials(config),
                              timestamper=timestamper_from_config(config))
    anchor = AuditAnchor(seq=head.seq, head_hash=head.hash, created_at=utcnow(), signature=signature)
    db.session.add(anchor)
    db.session.flush()
    append_to_anchor_log(config, anchor)  # before the commit: a committed row is always in the log
    return anchor


def start_anchor_log(config) -> int:
    """Copy the database's anchors into a new anchor log (an installation older than the log); returns
    how many. Refused when a log exists (FileExistsError) or an anchor does not hold (AnchorRefused):
    only anchors that still vouch for the chain are copied, so starting a log hides nothing."""
    if anchor_log_path(config).exists():
        raise FileExistsError(anchor_log_path(config))
    trust = {"trust_roots": trust_roots_from_config(config), "crls": crls_from_config(config)}
    anchors = db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq)).all()
    last_event = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    for anchor in anchors:
        _check_anchor(anchor.seq, anchor.head_hash, bytes(anchor.signature), anchor.created_at, last_event, trust)
    for anchor in anchors:
        append_to_anchor_log(config, anchor)
    return len(anchors)


@dataclass
class AnchorReport:
    checked: int
    last_anchored_seq: int | None = None
    problem: str | None = None
    logged: int = 0  # lines in the anchor log
    log_only: int = 0  # of which without a row in the database

    @property
    def intact(self) -> bool:
        return self.problem is None


class AnchorRefused(Exception):
    """An anchor that does not hold (the message is for people)."""

    def __init__(self, seq: int | None, problem: str):
        super().__init__(problem)
        self.seq, self.problem = seq, problem


def verify_anchors(config, *, now: datetime | None = None) -> AnchorReport:
    """Check the anchors in the database and in the log against each other and against the chain."""
    trust = {"trust_roots": trust_roots_from_config(config), "crls": crls_from_config(config)}
    anchors = db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq)).all()
    last_event = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    try:
        logged = read_anchor_log(config)
    except AnchorLogError as error:
        return AnchorReport(0, None, str(error))
    unmatched = {(entry.seq, entry.head_hash, entry.signature): entry for entry in logged or ()}
    checked = 0
    try:
        for anchor in anchors:
            _check_anchor(anchor.seq, anchor.head_hash, bytes(anchor.signature), anchor.created_at, last_event, trust)
            if unmatched.pop((anchor.seq, anchor.head_hash, bytes(anchor.signature)), None) is None:
                raise AnchorRefused(anchor.seq, _missing_from_log(config, anchor, logged))
            checked += 1
        for entry in unmatched.values():
            _check_anchor(entry.seq, entry.head_hash, entry.signature, entry.created_at, last_event, trust)
    except AnchorRefused as broken:
        return AnchorReport(checked, broken.seq, broken.problem, len(logged or ()), len(unmatched))
    last_anchored = max([a.seq for a in anchors] + [e.seq for e in unmatched.values()], default=None)
    return AnchorReport(checked, last_anchored, _unanchored_for_too_long(config, last_anchored, now or utcnow()),
                        len(logged or ()), len(unmatched))


def _check_anchor(seq: int, head_hash: str, signature: bytes, created_at: datetime, last_event: int, trust) -> None:
    if verify_detached(anchor_message(seq, head_hash), signature, **trust).verdict != "valid":
        raise AnchorRefused(seq, _("Mốc neo tại sự kiện số %(seq)s có chữ ký không hợp lệ: mốc neo đã bị sửa hoặc giả.",
                             seq=seq))
    if seq > last_event:
        raise AnchorRefused(seq, _(
            "Chuỗi bị cắt: mốc neo ký ngày %(at)s xác nhận đến sự kiện số %(seq)s nhưng chuỗi chỉ còn đến số "
            "%(last)s.", at=format_datetime(created_at), seq=seq, last=last_event))
    event_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    if event_hash != head_hash:
        raise AnchorRefused(seq, _(
            "Lịch sử đến sự kiện số %(seq)s đã bị viết lại: mã băm hiện tại khác mã băm đã ký trong mốc neo.", seq=seq))


def _missing_from_log(config, anchor: AuditAnchor, logged) -> str:
    if logged is None:
        return _("Không có sổ neo %(path)s dù cơ sở dữ liệu có mốc neo: sổ neo đã bị xóa hoặc cấu hình "
                 "AUDIT_ANCHOR_LOG trỏ sai chỗ.", path=anchor_log_path(config))
    return _("Mốc neo tại sự kiện số %(seq)s (ký ngày %(at)s) không có trong sổ neo %(path)s: sổ neo và cơ sở dữ "
             "liệu không khớp (một trong hai đã bị sửa hoặc thay).", seq=anchor.seq,
             at=format_datetime(anchor.created_at), path=anchor_log_path(config))


def _unanchored_for_too_long(config, last_anchored: int | None, now: datetime) -> str | None:
    """The first event after the last anchor, when it has waited longer than the job ever leaves one.

    Measured from the first unanchored event rather than from the last anchor: after a quiet spell
    (no event, so nothing to anchor) the first new event is not late, it waits for the next run.
    """
    first = db.session.execute(select(AuditEvent.seq, AuditEvent.occurred_at)
                               .where(AuditEvent.seq > (last_anchored or 0)).order_by(AuditEvent.seq).limit(1)).first()
    allowed = timedelta(minutes=config["AUDIT_ANCHOR_INTERVAL_MINUTES"] + config["AUDIT_ANCHOR_GRACE_MINUTES"])
    if first is None or now - first.occurred_at <= allowed:
        return None
    minutes = int(allowed.total_seconds() // 60)
    if last_anchored is None:
        return _("Chưa có mốc neo nào dù nhật ký có sự kiện từ %(at)s (quá %(minutes)s phút): các mốc neo đã bị xóa "
                 "(cả trong cơ sở dữ liệu và sổ neo), hoặc việc neo định kỳ không chạy.",
                 at=format_datetime(first.occurred_at), minutes=minutes)
    return _("Sự kiện số %(seq)s (ghi lúc %(at)s) vẫn chưa được neo sau %(minutes)s phút; mốc neo cuối xác nhận đến "
             "số %(last)s: các mốc neo sau đó đã bị xóa, hoặc việc neo định kỳ không chạy.", seq=first.seq,
             at=format_datetime(first.occurred_at), minutes=minutes, last=last_anchored)
