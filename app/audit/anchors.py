"""Anchors: the audit chain's head, signed and timestamped by the installation's key (on demand, daily).

`verify_anchors` checks each anchor's signature, that the event it names still carries the hash it
signed (rewriting history and recomputing the hashes after it shows here), and that the chain still
reaches the last anchor (cutting its end shows here). The chain's own walk (verification.verify_chain)
catches the cruder edits.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.signing.detached import sign_detached, verify_detached
from app.signing.installation import installation_credentials
from app.signing.timestamping import timestamper_from_config
from app.signing.validation import crls_from_config, trust_roots_from_config
from app.sqltypes import utcnow

from .models import AuditAnchor, AuditChainHead, AuditEvent
from .services import HEAD_ID


def anchor_message(seq: int, head_hash: str) -> bytes:
    return f"lienthong-audit-anchor:{seq}:{head_hash}".encode()


def anchor_chain(config) -> AuditAnchor | None:
    """Sign the current head; None when it is already anchored (nothing happened since)."""
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
    return anchor


@dataclass
class AnchorReport:
    checked: int
    last_anchored_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def verify_anchors(config) -> AnchorReport:
    trust = {"trust_roots": trust_roots_from_config(config), "crls": crls_from_config(config)}
    anchors = db.session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq)).all()
    last_event = db.session.scalar(select(func.max(AuditEvent.seq))) or 0
    for checked, anchor in enumerate(anchors):
        verdict = verify_detached(anchor_message(anchor.seq, anchor.head_hash), anchor.signature, **trust)
        if verdict.verdict != "valid":
            return AnchorReport(checked, anchor.seq, _(
                "Mốc neo tại sự kiện số %(seq)s có chữ ký không hợp lệ: mốc neo đã bị sửa hoặc giả.", seq=anchor.seq))
        if anchor.seq > last_event:
            return AnchorReport(checked, anchor.seq, _(
                "Chuỗi bị cắt: mốc neo ký ngày %(at)s xác nhận đến sự kiện số %(seq)s nhưng chuỗi chỉ còn đến số "
                "%(last)s.", at=anchor.created_at.strftime("%d/%m/%Y"), seq=anchor.seq, last=last_event))
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == anchor.seq)).first()
        if event is None or event.hash != anchor.head_hash:
            return AnchorReport(checked, anchor.seq, _(
                "Lịch sử đến sự kiện số %(seq)s đã bị viết lại: mã băm hiện tại khác mã băm đã ký trong mốc neo.",
                seq=anchor.seq))
    return AnchorReport(len(anchors), anchors[-1].seq if anchors else None)
